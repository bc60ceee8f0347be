"""Writes hf_daily_2026-04-16_lynx.txt from the saved page in the conventions of `lynx -dump` ([N] before each link, 3-space indent, a References list); run from the repo root: python tests/data/captures/make_lynx_dump.py tests/data/captures/hf_daily_2026-04-16_saved.html > tests/data/captures/hf_daily_2026-04-16_lynx.txt"""
import sys, re
from html.parser import HTMLParser
BLOCK={'p','div','li','h1','h2','h3','h4','h5','h6','br','tr','section','article','header','footer','nav','main','ul','ol','time','span_block'}
class L(HTMLParser):
    def __init__(s):
        super().__init__(convert_charrefs=True); s.out=[]; s.refs=[]; s.skip=0; s.line=''
    def flush(s):
        t=' '.join(s.line.split())
        if t: s.out.append('   '+t)
        s.line=''
    def handle_starttag(s,tag,attrs):
        a=dict(attrs)
        if tag in ('script','style'): s.skip+=1
        if tag in BLOCK: s.flush()
        if tag=='li': s.line+='* '
        if tag=='a' and a.get('href'):
            href=a['href']
            if href.startswith('/'): href='https://huggingface.co'+href
            s.refs.append(href); s.line+=f'[{len(s.refs)}]'
    def handle_endtag(s,tag):
        if tag in ('script','style'): s.skip-=1
        if tag in BLOCK: s.flush()
    def handle_data(s,d):
        if not s.skip: s.line+=d
l=L(); l.feed(open(sys.argv[1],encoding='utf-8').read()); l.flush()
out=[]
for x in l.out:
    out.append(x); out.append('') if len(x)>60 else None
print('\n'.join(out)); print('\nReferences\n\n   Visible links:')
for i,u in enumerate(l.refs,1): print(f'{i:4d}. {u}')
