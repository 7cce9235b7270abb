#!/usr/bin/env bash
# The Python unit tests (the PyTorch reference code against the Java side's committed vectors) with
# Debian's /usr/bin/python3. `mvn verify` runs this from models/ (exec-maven-plugin, integration-test
# phase) with the value of -Dpython.tests.skip as its argument: skipped, with the reason, when that is
# set; a failure when /usr/bin/python3 cannot import torch, onnx and torchaudio.
set -euo pipefail
skip=${1:-false}
if [ "$skip" != "false" ]; then
  echo "Python tests skipped: -Dpython.tests.skip is set"
  exit 0
fi
py=/usr/bin/python3
need="apt-get install python3 python3-numpy python3-torch python3-onnx python3-torchaudio python3-pil, or skip them with -Dpython.tests.skip"
if [ ! -x "$py" ]; then
  echo "Python tests: $py is missing ($need)" >&2
  exit 1
fi
if ! "$py" -c 'import numpy, torch, onnx, torchaudio, PIL' 2>/dev/null; then
  echo "Python tests: $py cannot import numpy, torch, onnx, torchaudio and PIL ($need)" >&2
  exit 1
fi
cd "$(dirname "$0")/.."
start=$(date +%s)
"$py" -m unittest discover -s python
echo "Python tests passed in $(( $(date +%s) - start )) s"
