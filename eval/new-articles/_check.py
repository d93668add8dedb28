import json, re, sys, os
from html.parser import HTMLParser
from pypdf import PdfReader

D = os.path.dirname(os.path.abspath(__file__))

class TP(HTMLParser):
    def __init__(self, sep):
        super().__init__(); self.sep = sep; self.out = []; self.skip = 0
    def handle_starttag(self, t, a):
        if t in ("script", "style"): self.skip += 1
    def handle_endtag(self, t):
        if t in ("script", "style"): self.skip -= 1
    def handle_data(self, d):
        if not self.skip: self.out.append(d)

def ws(s): return re.sub(r"\s+", " ", s).strip()

def texts(doc_id):
    for ext in ("txt", "md", "html", "pdf"):
        p = os.path.join(D, doc_id + "." + ext)
        if os.path.exists(p): break
    else:
        raise SystemExit("no file for " + doc_id)
    if ext in ("txt", "md"):
        return ext, [ws(open(p, encoding="utf-8").read())]
    if ext == "html":
        raw = open(p, encoding="utf-8").read()
        res = []
        for sep in (" ", ""):
            tp = TP(sep); tp.feed(raw); res.append(ws(sep.join(tp.out)))
        # article-only
        m = re.search(r"<article.*?</article>", raw, re.S)
        tp = TP(" "); tp.feed(m.group(0)); res.append(ws(" ".join(tp.out)))
        return ext, res
    r = PdfReader(p)
    return ext, [ws("\n".join(pg.extract_text() for pg in r.pages))]

if __name__ == "__main__":
    bad = 0
    for fn in sys.argv[1:]:
        for i, line in enumerate(open(fn, encoding="utf-8")):
            o = json.loads(line)
            if not o.get("doc_id"): continue
            evs = o["evidence"] if isinstance(o["evidence"], list) else [o["evidence"]]
            ext, ts = texts(o["doc_id"])
            for e in evs:
                if not all(ws(e) in t for t in ts):
                    bad += 1; print("MISSING", fn, i + 1, o["doc_id"], repr(e))
    print("bad:", bad)
