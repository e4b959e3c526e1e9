#!/usr/bin/env python3
"""Write a git fast-import stream for a large registry, as mreg would leave it.

    bench/make_stage_repo.py MODELS VERSIONS | git fast-import --quiet

The stream builds, on `main`, one commit per registration (MODELS x VERSIONS
commits, version after version, model after model), each with its annotated
version tag `<name>@v1.<n>.0`, and three stage branches `stage/staging`,
`stage/canary` and `stage/production`, each made of one promotion commit per
model (with mreg's trailers) holding that model's exact tagged subtree:
staging the newest version, canary the one before, production the one before
that. It uses git fast-import because registering 20,000 versions one by one
would take longer than the benchmark itself; the result is what those
registrations and promotions would have produced, byte for byte in its
formats (model.yaml, tag messages, promotion trailers).
"""

import hashlib
import sys

CONFIG = """registry: 1
models_dir: models
stages:
  - name: staging
  - name: canary
    from: [staging]
  - name: production
    from: [staging, canary]
"""

STAGES = [("staging", 1), ("canary", 2), ("production", 3)]  # (stage, versions behind the newest)


def model_name(index):
    return f"team{index % 10}/model-{index:05d}"


def version_of(number):
    return f"1.{number}.0"


def model_yaml(name, version, number):
    digest = hashlib.md5(f"{name}@{version}".encode()).hexdigest()  # 32 hex digits, stable
    return (
        "schema: 1\n"
        f"name: {name}\n"
        f"version: {version}\n"
        "owner: ml-team@example.com\n"
        "framework: pytorch\n"
        "metrics:\n"
        f"  auc: 0.{900 + number}\n"
        "artifacts:\n"
        "  - path: model.safetensors\n"
        f"    size: {1000000 + number}\n"
        f"    digest: xxh128:{digest}\n"
        "    format: safetensors\n"
    )


class Stream:
    def __init__(self, out):
        self.out = out
        self.mark = 0
        self.clock = 1_700_000_000

    def tick(self):
        self.clock += 1
        return f"{self.clock} +0000"

    def data(self, text):
        raw = text.encode()
        self.out.write(b"data %d\n" % len(raw))
        self.out.write(raw)
        self.out.write(b"\n")

    def blob(self, text):
        self.mark += 1
        self.out.write(b"blob\nmark :%d\n" % self.mark)
        self.data(text)
        return self.mark

    def commit(self, ref, message, files, parent=None):
        self.mark += 1
        self.out.write(f"commit {ref}\nmark :{self.mark}\n".encode())
        self.out.write(f"committer Bench <bench@example.com> {self.tick()}\n".encode())
        self.data(message)
        if parent is not None:
            self.out.write(f"from :{parent}\n".encode())
        for path, blob in files:
            self.out.write(f"M 100644 :{blob} {path}\n".encode())
        return self.mark

    def tag(self, name, commit, message):
        self.out.write(f"tag {name}\nfrom :{commit}\n".encode())
        self.out.write(f"tagger Bench <bench@example.com> {self.tick()}\n".encode())
        self.data(message)


def main():
    models, versions = int(sys.argv[1]), int(sys.argv[2])
    if versions < 4:
        sys.exit("make_stage_repo.py: VERSIONS must be at least 4 (three stages hold older versions)")
    stream = Stream(sys.stdout.buffer)
    blobs = {}  # (model, number) -> blob mark of that version's model.yaml
    head = stream.commit("refs/heads/main", "mreg init\n", [("mreg.yaml", stream.blob(CONFIG))])
    for number in range(versions):
        for index in range(models):
            name, version = model_name(index), version_of(number)
            blob = stream.blob(model_yaml(name, version, number))
            blobs[(index, number)] = blob
            head = stream.commit("refs/heads/main", f"register {name} v{version}\n",
                                 [(f"models/{name}/model.yaml", blob)], head)
            stream.tag(f"{name}@v{version}", head, f"register {name} v{version}\n")
    for stage, behind in STAGES:
        tip = None
        for index in range(models):
            name, number = model_name(index), versions - behind
            version = version_of(number)
            message = (f"promote {name} v{version} to {stage}\n\n"
                       f"Mreg-Model: {name}\nMreg-Version: {version}\nMreg-Tag: {name}@v{version}\n")
            tip = stream.commit(f"refs/heads/stage/{stage}", message,
                                [(f"models/{name}/model.yaml", blobs[(index, number)])], tip)


if __name__ == "__main__":
    main()
