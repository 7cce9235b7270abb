"""Makes the geodesic input of an existing STMT package shared by the batch, keeping its weights.

Packages written by export_stmt.py / convert_stmt.py since this change already have it; this brings
an older package (geodist declared [-1, frames, points, points]) to the same form without
re-exporting: the graph input becomes [frames, points, points], expanded inside the graph (see
avstream_models.packaging.share_geodist), and model.json declares it shared, with the new checksum
and version.

    /usr/bin/python3 models/python/share_geodist.py models/packages/stmt-small --version 0.2.1
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from avstream_models import packaging  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("package", help="model package directory (model.onnx + model.json)")
    ap.add_argument("--version", help="new package version (the graph's interface changes)")
    a = ap.parse_args(argv)
    manifest_path = os.path.join(a.package, "model.json")
    with open(manifest_path) as f:
        man = json.load(f)
    geod = next(i for i in man["inputs"] if i["name"] == "geodist")
    frames, points = man["preprocessing"]["frames"], man["preprocessing"]["points"]
    packaging.share_geodist(os.path.join(a.package, "model.onnx"), frames=frames, points=points)
    geod["shape"] = [frames, points, points]
    geod["shared"] = True
    if a.version:
        man["version"] = a.version
    man["sha256"]["model.onnx"] = packaging.sha256(os.path.join(a.package, "model.onnx"))
    with open(manifest_path, "w", newline="\n") as f:
        json.dump(man, f, indent=2)
        f.write("\n")
    print(f"{a.package}: geodist shared {geod['shape']}, version {man['version']}, model.onnx {man['sha256']['model.onnx']}")


if __name__ == "__main__":
    main()
