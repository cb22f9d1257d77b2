#!/bin/sh
# A stand-in evaluator that shows the protocol of `cole search --evaluate`; it trains nothing.
# Replace it with your training script:
#   stdin and $COLE_CODE_FILE  the architecture's PyTorch code text (class Network)
#   $COLE_ARCH                 the architecture's canonical string
#   stdout, last line          the value to maximise (e.g. validation accuracy)
#   non-zero exit              a failed evaluation (recorded as such; the search goes on)
# Here: 50 + the number of dense layers, and networks with a softmax "run out of memory".
if grep -q Softmax "$COLE_CODE_FILE"; then
  echo "CUDA out of memory (stand-in)" >&2
  exit 1
fi
echo $((50 + $(grep -c nn.Linear "$COLE_CODE_FILE")))
