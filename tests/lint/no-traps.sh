#!/usr/bin/env bash
# Fails when a library module (everything but the CLI) holds a crash pattern: a force unwrap,
# try!, as!, fatalError, precondition, or Dictionary(uniqueKeysWithValues:). A request can reach
# the libraries, so each of these would be a denial of service; write the total form instead
# (guard/if let, ?? default, uniquingKeysWith:, a thrown SegmentaError).
set -euo pipefail
cd "$(dirname "$0")/../.."
# `[]})…]!` — a `]` must come first in a bracket expression; `}!` unwraps a trailing closure's
# result; `!=` is a comparison, not an unwrap.
pattern='[]})A-Za-z0-9_]!([^=]|$)|try!|as!|fatalError\(|precondition(Failure)?\(|uniqueKeysWithValues'
found=$(grep -rnE "$pattern" Sources --include='*.swift' | grep -v '^Sources/segmenta/' | grep -vE '^[^:]+:[0-9]+:\s*//' || true)
if [ -n "$found" ]; then
  echo "crash patterns in library code (reachable from requests):"
  echo "$found"
  exit 1
fi
echo "no crash patterns outside the CLI"
