#!/usr/bin/env bash
# Every public declaration of the listed modules has a doc comment (`///` on the line above, after
# any attributes). Usage: bash tests/lint/doc-comments.sh [MODULE ...]   (default: every library module)
set -euo pipefail
cd "$(dirname "$0")/../.."
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(SegmentaCore SegmentaJobs SegmentaCharts SegmentaPages SegmentaServer SegmentaStore)
python3 - "${modules[@]}" <<'PY'
import glob, re, sys
missing = []
declaration = re.compile(r'(public|open) (?!import |extension )')   # every public or open declaration but imports and extensions
for module in sys.argv[1:]:
    for path in sorted(glob.glob(f'Sources/{module}/**/*.swift', recursive=True)):
        lines = open(path, encoding='utf-8').read().split('\n')
        for i, line in enumerate(lines):
            if not declaration.match(line.strip()):
                continue
            j = i - 1
            while j >= 0 and lines[j].strip().startswith('@'):
                j -= 1
            if j < 0 or not lines[j].strip().startswith('///'):
                missing.append(f'{path}:{i + 1}: {line.strip()[:100]}')
if missing:
    print('\n'.join(missing))
    sys.exit(f'{len(missing)} public declarations without a doc comment (one line saying what it is; the formula or paper for algorithms)')
print(f'every public declaration of {", ".join(sys.argv[1:])} has a doc comment')
PY
