"""Records PyTorch's behaviour for Galvani's tensor tests (type promotion, printing).

Run:  python make_reference.py   (needs torch; writes torch_promotion.tsv and torch_printing.txt next to this script)
"""
import os, torch

types = {"BOOL": torch.bool, "I32": torch.int32, "I64": torch.int64, "F32": torch.float32, "F64": torch.float64}
name = {v: k for k, v in types.items()}

def tensor(kind, t):
    # kind: "dim" (shape [2]), "zero" (0-dim), "int" (Python int), "float" (Python float)
    if kind == "int": return 2
    if kind == "float": return 2.5
    v = torch.tensor([1, 0]) if kind == "dim" else torch.tensor(1)
    return v.to(types[t])

promotion = []
kinds = [("dim", t) for t in types] + [("zero", t) for t in types] + [("int", None), ("float", None)]
for ka, ta in kinds:
    for kb, tb in kinds:
        if ka in ("int", "float") and kb in ("int", "float"): continue
        a, b = tensor(ka, ta), tensor(kb, tb)
        for op in ("add", "mul", "div", "lt"):
            try:
                r = getattr(torch, op)(a, b) if not (ka in ("int", "float")) else getattr(torch, op)(b, a) if op in ("add", "mul") else None
                if r is None: continue
                promotion.append({"a": [ka, ta], "b": [kb, tb], "op": op, "result": name[r.dtype]})
            except Exception as e:
                promotion.append({"a": [ka, ta], "b": [kb, tb], "op": op, "error": str(e).splitlines()[0]})

printing = []
cases = {
    "floats": torch.tensor([1.0, 2.5, -3.25]),
    "integral floats": torch.tensor([[1.0, 2.0], [3.0, 40.0]]),
    "wide range": torch.tensor([1e-5, 1.0, 1000.0]),
    "big": torch.tensor([1e9, 2.0]),
    "ints": torch.tensor([[1, -20, 300], [4, 5, 6]]),
    "int32": torch.tensor([1, 2], dtype=torch.int32),
    "bools": torch.tensor([True, False]),
    "f64": torch.tensor([0.1, 0.2], dtype=torch.float64),
    "scalar": torch.tensor(3.5),
    "empty": torch.zeros(0),
    "empty 2d": torch.zeros(0, 3),
    "3d": torch.arange(24.0).reshape(2, 3, 4) / 3,
    "summarized": torch.arange(2000.0).reshape(40, 50),
    "summarized 1d": torch.arange(1001),
    "special": torch.tensor([float("nan"), 1.0, float("inf"), -float("inf")]),
    "long row": torch.arange(30.0) / 7,
}
for k, v in cases.items():
    printing.append({"name": k, "dtype": name[v.dtype], "shape": list(v.shape), "values": v.double().flatten().tolist(), "text": str(v)})

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "torch_promotion.tsv"), "w") as f:
    f.write("# recorded by make_reference.py with torch %s\n" % torch.__version__)
    f.write("# kind_a\tdtype_a\tkind_b\tdtype_b\top\tresult\n")
    for p in promotion:
        f.write("\t".join([p["a"][0], str(p["a"][1]), p["b"][0], str(p["b"][1]), p["op"], p.get("result", "error")]) + "\n")
with open(os.path.join(here, "torch_printing.txt"), "w") as f:
    f.write("# recorded by make_reference.py with torch %s\n" % torch.__version__)
    for p in printing:
        f.write("### %s|%s|%s|%s\n" % (p["name"], p["dtype"], ",".join(map(str, p["shape"])), ",".join(repr(v) for v in p["values"])))
        f.write(p["text"] + "\n")
print("wrote", len(promotion), "promotion cases and", len(printing), "printing cases with torch", torch.__version__)
