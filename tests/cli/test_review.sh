#!/usr/bin/env bash
# mreg review: what a change of a stage branch does (promotions, demotions,
# rules, problems), as markdown for a PR comment, text and JSON; exit status
# 1 when a rule fails or there is a problem.
#
# The stage commits are made with plain git plumbing, as a person or another
# tool could make them, so that review is tested on trees, not on how mreg
# writes them.
# shellcheck source=lib.sh
# shellcheck disable=SC2016  # backticks are markdown code spans, matched literally
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# --- fixtures ----------------------------------------------------------------

# A registry whose production stage needs staging first and auc >= 0.90.
gated_registry() {
  new_registry
  cat >mreg.yaml <<'EOF'
registry: 1
models_dir: models
stages:
  - name: staging
  - name: production
    from: [staging]
    require:
      metrics.auc: ">= 0.90"
EOF
  git commit -qam "gates"
}

# fraud 0.1.0 (auc 0.91), 0.2.0 (auc 0.94, other owner and files),
# 0.3.0 (auc 0.85); churn 1.0.0 (auc 0.95).
registered_models() {
  gated_registry
  random_file model.bin 4096
  random_file README.md 300
  run_ok mreg register fraud model.bin README.md --owner risk@example.com --metric auc=0.91
  random_file model.bin 8192
  random_file vocab.txt 1536
  run_ok mreg register fraud model.bin README.md vocab.txt --owner ml@example.com --metric auc=0.94
  run_ok mreg register fraud --metric auc=0.85
  random_file churn.onnx 2048
  run_ok mreg register churn churn.onnx --version 1.0.0 --metric auc=0.95
}

# The tree of a stage holding exactly the given versions (NAME@vX.Y.Z...):
# models/NAME is the subtree of the version tag's commit.
stage_tree() {
  local listing="" tag name
  for tag in "$@"; do
    name=${tag%@*}
    listing+=$(printf '040000 tree %s\t%s' "$(git rev-parse "$tag^{commit}:models/$name")" "$name")$'\n'
  done
  local models
  models=$(printf '%s' "$listing" | git mktree)
  printf '040000 tree %s\tmodels\n' "$models" | git mktree
}

# Points BRANCH at a new commit of TREE on top of BRANCH's tip (or FROM's,
# or none for "-"), as a promotion commit would be.
commit_tree() {  # BRANCH FROM TREE MESSAGE
  local branch=$1 from=$2 tree=$3 message=$4 commit
  if [ "$from" = "-" ]; then
    commit=$(git commit-tree "$tree" -m "$message")
  else
    commit=$(git commit-tree "$tree" -p "$from" -m "$message")
  fi
  git update-ref "refs/heads/$branch" "$commit"
}

# Stage branches as after promoting fraud 0.1.0 through staging to
# production, and 0.2.0 to staging; churn 1.0.0 in staging.
stages_in_place() {
  registered_models
  commit_tree stage/staging - "$(stage_tree fraud@v0.1.0)" "promote fraud v0.1.0 to staging"
  commit_tree stage/production - "$(stage_tree fraud@v0.1.0)" "promote fraud v0.1.0 to production"
  commit_tree stage/staging stage/staging "$(stage_tree churn@v1.0.0 fraud@v0.2.0)" "promote fraud v0.2.0 to staging"
}

# A branch PR from production's tip proposing the given versions.
propose() {  # BRANCH VERSIONS...
  local branch=$1
  shift
  commit_tree "$branch" stage/production "$(stage_tree "$@")" "proposal"
}

# Runs of spaces squeezed to one, to match aligned text output.
squeeze() { printf '%s\n' "$1" | tr -s ' '; }

# --- promotions --------------------------------------------------------------

test_passing_promotion_is_posted_as_markdown_with_each_rule() {
  stages_in_place
  propose promote-fraud fraud@v0.2.0
  run_ok mreg review stage/production promote-fraud
  assert_contains "$OUT" "<!-- mreg-review -->"
  assert_contains "$OUT" '## ✅ mreg review: stage `production`'
  assert_contains "$OUT" "\`stage/production\` (\`$(git rev-parse --short=7 stage/production)\`) → \`promote-fraud\`"
  assert_contains "$OUT" '1 promotion; **all rules pass**.'
  assert_contains "$OUT" '| ✅ | `fraud` | promote v0.1.0 → **v0.2.0** | ✅ `from: [staging]` fraud v0.2.0 is in staging<br>✅ `require: metrics.auc >= 0.90` auc is 0.94 |'
  assert_contains "$OUT" '<summary>fraud v0.1.0 → v0.2.0: what changed</summary>'
  assert_contains "$OUT" '| `auc` | 0.91 | 0.94 | **+0.03 ▲ better** |'
  assert_contains "$OUT" '| `owner` | `risk@example.com` | `ml@example.com` |'
  assert_contains "$OUT" '| `model.bin` | changed | 4.0 KiB | 8.0 KiB |'
  assert_contains "$OUT" '| `vocab.txt` | added | — | 1.5 KiB |'
  assert_not_contains "$OUT" "❌"
}

test_failing_gate_fails_the_review_with_status_1() {
  stages_in_place
  commit_tree stage/staging stage/staging "$(stage_tree churn@v1.0.0 fraud@v0.3.0)" "promote fraud v0.3.0 to staging"
  propose promote-fraud fraud@v0.3.0
  assert_fails 1 mreg review stage/production promote-fraud
  assert_contains "$OUT" '## ❌ mreg review: stage `production`'
  assert_contains "$OUT" '| ❌ | `fraud` | promote v0.1.0 → **v0.3.0** | ✅ `from: [staging]` fraud v0.3.0 is in staging<br>❌ `require: metrics.auc >= 0.90` auc is 0.85 |'
  assert_contains "$OUT" '**1 rule failed**'
  assert_contains "$OUT" '| `auc` | 0.91 | 0.85 | **-0.06 ▼ worse** |'
  assert_contains "$ERR" "mreg: error: review of stage production: 1 failed rule"
}

test_version_not_in_the_from_stage_fails_the_from_rule() {
  stages_in_place
  propose promote-churn churn@v1.0.0 fraud@v0.1.0
  propose skip-staging fraud@v0.3.0
  run_ok mreg review stage/production promote-churn
  assert_contains "$OUT" '| ✅ | `churn` | promote **v1.0.0** |'
  assert_fails 1 mreg review stage/production skip-staging
  assert_contains "$OUT" '❌ `from: [staging]` fraud v0.3.0 is not in staging (staging holds fraud v0.2.0)'
  assert_contains "$OUT" '❌ `require: metrics.auc >= 0.90` auc is 0.85'
  assert_contains "$OUT" '**2 rules failed**'
}

test_first_promotion_into_a_stage_without_rules() {
  registered_models
  commit_tree stage/staging - "$(stage_tree fraud@v0.1.0)" "promote fraud v0.1.0 to staging"
  commit_tree add-churn stage/staging "$(stage_tree churn@v1.0.0 fraud@v0.1.0)" "promote churn"
  run_ok mreg review stage/staging add-churn
  assert_contains "$OUT" '| ✅ | `churn` | promote **v1.0.0** | no rules |'
  assert_not_contains "$OUT" '`fraud`' "an unchanged model is not listed"
  assert_not_contains "$OUT" "<details>" "nothing to compare a first promotion with"
}

test_demotion_is_listed_and_passes() {
  stages_in_place
  propose demote-fraud churn@v1.0.0
  # A stage without fraud but with churn: churn is a promotion (in staging), fraud a demotion.
  run_ok mreg review stage/production demote-fraud
  assert_contains "$OUT" '| ➖ | `fraud` | demote v0.1.0 | — |'
  assert_contains "$OUT" '1 promotion, 1 demotion; **all rules pass**.'
}

test_no_change_passes() {
  stages_in_place
  propose same fraud@v0.1.0
  run_ok mreg review stage/production same
  assert_contains "$OUT" 'no model changes; **all rules pass**.'
  assert_not_contains "$OUT" "| Model |"
}

# --- problems ------------------------------------------------------------------

test_hand_edited_subtree_is_a_problem() {
  stages_in_place
  commit_tree stage/staging stage/staging "$(stage_tree churn@v1.0.0 fraud@v0.3.0)" "promote fraud v0.3.0 to staging"
  # fraud v0.3.0's model.yaml with its failing auc edited to pass the gate:
  # not what the tag holds, so no rule is trusted.
  local yaml models root
  yaml=$(git show 'fraud@v0.3.0:models/fraud/model.yaml' | sed 's/auc: 0.85/auc: 0.99/' | git hash-object -w --stdin)
  models=$(printf '040000 tree %s\tfraud\n' "$(printf '100644 blob %s\tmodel.yaml\n' "$yaml" | git mktree)" | git mktree)
  root=$(printf '040000 tree %s\tmodels\n' "$models" | git mktree)
  commit_tree hand-edit stage/production "$root" "edit by hand"
  assert_fails 1 mreg review stage/production hand-edit
  assert_contains "$OUT" '| ❌ | `fraud` | **problem** |'
  assert_contains "$OUT" "is not the registered fraud@v0.3.0"
  assert_not_contains "$OUT" "auc is 0.99" "the edited metric is not checked as if it were registered"
  assert_contains "$OUT" "**1 problem**"
  assert_contains "$ERR" "1 problem"
}

test_deprecated_version_is_a_problem() {
  stages_in_place
  git tag -a 'fraud@v0.2.0!' -m "leaks labels" 'fraud@v0.2.0^{commit}'
  propose promote-fraud fraud@v0.2.0
  assert_fails 1 mreg review stage/production promote-fraud
  assert_contains "$OUT" "fraud v0.2.0 is deprecated"
}

test_files_outside_models_are_a_problem() {
  stages_in_place
  local blob root
  blob=$(echo "notes" | git hash-object -w --stdin)
  root=$( (git ls-tree "$(stage_tree fraud@v0.1.0)" && printf '100644 blob %s\tNOTES.md\n' "$blob") | git mktree)
  commit_tree stray stage/production "$root" "add notes"
  assert_fails 1 mreg review stage/production stray --format text
  assert_contains "$OUT" "PROBLEM NOTES.md: NOTES.md on stray is outside models/"
}

# --- formats, naming the stage ---------------------------------------------------

test_text_format() {
  stages_in_place
  propose promote-fraud fraud@v0.2.0
  run_ok mreg review stage/production promote-fraud --format text
  local out
  out=$(squeeze "$OUT")
  assert_contains "$out" "review of stage production: stage/production ($(git rev-parse --short=7 stage/production)) -> promote-fraud"
  assert_contains "$out" "promote fraud v0.1.0 -> v0.2.0"
  assert_contains "$out" "pass require: metrics.auc >= 0.90 auc is 0.94"
  assert_contains "$out" "auc 0.91 -> 0.94 +0.03 ▲ better"
  assert_contains "$out" "changed model.bin 4.0 KiB -> 8.0 KiB"
  assert_contains "$out" "1 promotion: all rules pass"
}

test_json_format() {
  stages_in_place
  commit_tree stage/staging stage/staging "$(stage_tree churn@v1.0.0 fraud@v0.3.0)" "promote fraud v0.3.0 to staging"
  propose promote-fraud fraud@v0.3.0
  assert_fails 1 mreg review stage/production promote-fraud --json
  assert_json "$OUT" \
    'sorted(d) == ["base", "base_commit", "failed_checks", "head", "head_commit", "items", "ok", "problems", "stage"]' \
    'd["stage"] == "production" and d["ok"] is False and d["failed_checks"] == 1 and d["problems"] == 0' \
    "d[\"base_commit\"] == \"$(git rev-parse stage/production)\"" \
    "d[\"head_commit\"] == \"$(git rev-parse promote-fraud)\"" \
    'len(d["items"]) == 1' \
    'd["items"][0]["name"] == "fraud" and d["items"][0]["change"] == "promotion"' \
    'd["items"][0]["before"] == "0.1.0" and d["items"][0]["after"] == "0.3.0" and d["items"][0]["problem"] is None' \
    '[c["passed"] for c in d["items"][0]["checks"]] == [True, False]' \
    'd["items"][0]["checks"][1]["detail"] == "auc is 0.85"' \
    'd["items"][0]["diff"]["metrics"][0] == {"name": "auc", "before": 0.91, "after": 0.85, "delta": -0.06, "improved": False}'
}

test_the_stage_comes_from_base_or_from_the_stage_option() {
  stages_in_place
  propose promote-fraud fraud@v0.2.0
  git branch base-copy stage/production
  assert_fails 2 mreg review base-copy promote-fraud
  assert_contains "$ERR" "--stage"
  run_ok mreg review base-copy promote-fraud --stage production --json
  assert_json "$OUT" 'd["stage"] == "production"' 'd["ok"]'
  run_ok mreg review refs/heads/stage/production promote-fraud --json
  assert_json "$OUT" 'd["stage"] == "production"'
  assert_fails 1 mreg review base-copy promote-fraud --stage nosuch
  assert_contains "$ERR" "nosuch"
  assert_fails 1 mreg review stage/production no-such-branch
  assert_contains "$ERR" "no-such-branch"
  assert_fails 2 mreg review stage/production promote-fraud --format html
}

# --- the pull-request flow, as CI sees it ----------------------------------------

# A clone with no local stage branches (only origin/stage/*), reviewing the
# merge commit of a pull request, as examples/ci/ does.
test_review_of_a_merge_commit_in_a_fresh_clone() {
  stages_in_place
  propose promote-fraud fraud@v0.2.0
  git init -q --bare ../origin.git
  git push -q ../origin.git main stage/staging stage/production promote-fraud --tags
  cd ..
  git clone -q origin.git ci
  cd ci || exit 1
  git checkout -q --detach origin/stage/production
  git merge -q --no-ff origin/promote-fraud -m "Merge pull request #1"
  local merge
  merge=$(git rev-parse HEAD)
  git checkout -q main
  run_ok mreg review origin/stage/production "$merge"
  assert_contains "$OUT" '| ✅ | `fraud` | promote v0.1.0 → **v0.2.0** | ✅ `from: [staging]` fraud v0.2.0 is in staging'
  assert_contains "$OUT" '`origin/stage/production`'
}

# The flow of examples/ci/ end to end with mreg's own commands: promote with
# --branch, review the branch, merge it with git, review nothing left to do.
test_review_of_a_promotion_made_with_promote_branch() {
  registered_models
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg promote fraud@0.1.0 production
  run_ok mreg promote fraud@0.2.0 staging
  run_ok mreg promote fraud@0.2.0 production --branch promote-fraud-0.2.0
  run_ok mreg review stage/production promote-fraud-0.2.0
  assert_contains "$OUT" '| ✅ | `fraud` | promote v0.1.0 → **v0.2.0** | ✅ `from: [staging]` fraud v0.2.0 is in staging'
  run_ok mreg promote fraud@0.3.0 staging --force
  run_ok mreg promote fraud@0.3.0 production --branch promote-fraud-0.3.0 --force
  assert_fails 1 mreg review stage/production promote-fraud-0.3.0
  assert_contains "$OUT" '❌ `require: metrics.auc >= 0.90` auc is 0.85'
  git branch -f stage/production promote-fraud-0.2.0
  run_ok mreg review promote-fraud-0.2.0 stage/production --stage production
  assert_contains "$OUT" 'no model changes; **all rules pass**.'
}

run_tests "$@"
