#!/usr/bin/env python3
"""Check every relative markdown link in README.md and docs/**/*.md: the file exists, the anchor is a heading
(GitHub-style slugs). Usage, from the repository root: python3 docs/check-links.py ."""
import os, re, sys, glob
root = sys.argv[1] if len(sys.argv) > 1 else "."
files = [os.path.join(root, 'README.md')] + glob.glob(os.path.join(root, 'docs/**/*.md'), recursive=True)

def slug(h):
    h = h.strip().lower()
    h = re.sub(r'[^\w\- ]', '', h)   # GitHub: drop punctuation but keep word chars, hyphens, spaces
    return h.replace(' ', '-')

def anchors(path):
    out, fence, seen = set(), False, {}
    for l in open(path, encoding='utf-8'):
        if l.startswith('```'):
            fence = not fence
            continue
        m = re.match(r'^(#{1,6}) (.*)', l)
        if m and not fence:
            s = slug(re.sub(r'`', '', m.group(2)))
            n = seen.get(s, 0); seen[s] = n + 1
            out.add(s if n == 0 else f'{s}-{n}')
    return out

bad = 0; count = 0
for f in files:
    text = open(f, encoding='utf-8').read()
    # drop fenced code blocks
    text_nc = re.sub(r'```.*?```', '', text, flags=re.S)
    for m in re.finditer(r'\]\(([^)\s]+)\)', text_nc):
        target = m.group(1)
        if re.match(r'^[a-z]+:', target):
            continue
        count += 1
        path, _, anchor = target.partition('#')
        full = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(full):
            print(f'{f}: missing file {target}'); bad += 1; continue
        if anchor and full.endswith('.md') and anchor not in anchors(full):
            print(f'{f}: missing anchor {target}'); bad += 1
print(f'{count} links checked, {bad} bad')
sys.exit(1 if bad else 0)
