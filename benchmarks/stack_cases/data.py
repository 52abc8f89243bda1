"""Research-style data for generated stack cases: values, labels, scale."""
import numpy as np

KINDS = ["accuracy", "needle", "pvalue", "diverging", "attention", "confusion", "corr", "field", "binary", "loss"]


def make(kind, rng):
    if kind == "accuracy":
        r, c = rng.integers(4, 11), rng.integers(5, 15)
        base = rng.uniform(0.3, 0.9, (r, 1)) + rng.uniform(-0.1, 0.1, (1, c))
        v = np.clip(base + rng.normal(0, 0.05, (r, c)), 0, 1)
        v[rng.random((r, c)) < 0.2] = 1.0
        return dict(v=np.round(v, 3), rows=[f"{s}B" for s in (1, 3, 7, 13, 34, 70, 110, 180, 405, 671)[:r]],
                    cols=[f"task{j}" for j in range(c)], x="Task", y="Model size", scale="linear", lo=0.0, hi=1.0,
                    title="Exact match", cb="Accuracy")
    if kind == "needle":
        r, c = rng.integers(8, 22), rng.integers(10, 30)
        x, y = np.meshgrid(np.linspace(0, 1, c), np.linspace(0, 1, r))
        v = 100 * np.clip(1.2 - x * rng.uniform(0.3, 1.2) * (0.5 + y) + rng.normal(0, 0.1, (r, c)), 0, 1)
        return dict(v=np.round(v, 1), rows=[f"{int(d)}%" for d in np.linspace(0, 100, r)],
                    cols=[f"{int(k)}K" for k in np.linspace(1, 128, c)], x="Context length", y="Depth",
                    scale="linear", lo=0.0, hi=100.0, title="Needle in a haystack", cb="Score")
    if kind == "pvalue":
        r, c = rng.integers(6, 18), rng.integers(4, 12)
        v = 10 ** rng.uniform(-6, 0, (r, c))
        return dict(v=v, rows=[f"gene{i}" for i in range(r)], cols=[f"C{j}" for j in range(c)], x="Cluster",
                    y="Variable", scale="log", lo=1e-6, hi=1.0, title="", cb="p-value")
    if kind == "diverging":
        r, c = rng.integers(6, 20), rng.integers(4, 10)
        v = np.clip(rng.normal(0, 1.6, (r, c)), -4, 4)
        return dict(v=np.round(v, 2), rows=[f"G{i}" for i in range(r)], cols=[f"cond{j}" for j in range(c)],
                    x="Condition", y="Gene", scale="linear", lo=-4.0, hi=4.0, title="log2 fold change", cb="log2FC")
    if kind == "attention":
        n = rng.integers(8, 20)
        v = rng.dirichlet(np.ones(n) * 0.6, size=n)
        v = np.tril(v)
        return dict(v=np.round(v, 3), rows=[f"t{i}" for i in range(n)], cols=[f"t{j}" for j in range(n)],
                    x="Key", y="Query", scale="linear", lo=0.0, hi=float(np.round(v.max(), 3)), title="", cb="weight")
    if kind == "confusion":
        n = rng.integers(4, 11)
        v = rng.integers(0, 15, (n, n)).astype(float)
        v[np.arange(n), np.arange(n)] = rng.integers(40, 120, n)
        names = ["cat", "dog", "bird", "fish", "frog", "horse", "ship", "truck", "car", "deer"][:n]
        return dict(v=v, rows=names, cols=names, x="Predicted", y="True", scale="linear", lo=0.0, hi=float(v.max()),
                    title="Confusion matrix", cb="count")
    if kind == "corr":
        n = rng.integers(5, 12)
        a = rng.normal(size=(40, n)) + rng.normal(size=(40, 1)) * rng.uniform(0, 1.5, n)
        v = np.round(np.corrcoef(a.T), 2)
        return dict(v=v, rows=[f"var{i}" for i in range(n)], cols=[f"var{j}" for j in range(n)], x="", y="",
                    scale="linear", lo=-1.0, hi=1.0, title="Correlation", cb="r")
    if kind == "field":
        r, c = rng.integers(20, 40), rng.integers(20, 50)
        y, x = np.mgrid[0:r, 0:c]
        v = np.sin(x / c * rng.uniform(2, 6)) * np.cos(y / r * rng.uniform(2, 5)) * 10 + 20
        return dict(v=np.round(v, 2), rows=[str(i) for i in range(r)], cols=[str(j) for j in range(c)], x="x",
                    y="y", scale="linear", lo=10.0, hi=30.0, title="", cb="value")
    if kind == "binary":
        r, c = rng.integers(10, 30), rng.integers(8, 20)
        v = (rng.random((r, c)) < np.linspace(0.9, 0.2, c)).astype(float)
        return dict(v=v, rows=[f"trial {i}" for i in range(r)], cols=[f"{(j + 1) * 512}" for j in range(c)],
                    x="Context length", y="Trial", scale="linear", lo=0.0, hi=1.0, title="Pass / fail", cb="pass")
    # loss
    r, c = rng.integers(6, 14), rng.integers(6, 14)
    v = 10 ** (rng.uniform(-3, 1, (r, 1)) + rng.uniform(-0.5, 0.5, (r, c)))
    v = np.clip(v, 1e-3, 10)
    return dict(v=v, rows=[f"lr{i}" for i in range(r)], cols=[f"wd{j}" for j in range(c)], x="Weight decay",
                y="Learning rate", scale="log", lo=1e-3, hi=10.0, title="Loss", cb="loss")


def case(seed: int):
    """One case's random draws: (rng, kind, data of ``make``, values with about 8%
    of the cells blank in 30% of the cases); the rng goes on to draw the options."""
    rng = np.random.default_rng(seed)
    kind = KINDS[rng.integers(len(KINDS))]
    d = make(kind, rng)
    v = d["v"].astype(float)
    if rng.random() < 0.3:
        v[rng.random(v.shape) < 0.08] = np.nan
    return rng, kind, d, v
