"""The Fashion-MNIST CNN of `./galvani fashion-mnist` in PyTorch on the CPU, for the side-by-side
epoch time: same model, batch size, optimizer, schedule, thread count and data normalisation.

usage: python torch_fashion_mnist.py [--epochs 5] [--batch-size 128] [--threads 2] [--train-limit N] [--json out.json]
"""
import argparse, gzip, json, os, struct, sys, time

try:
    import numpy as np
    import torch, torch.nn as nn, torch.nn.functional as F
except ImportError as e:
    print("skipping the PyTorch side: %s (install torch for the CPU to compare)" % e)
    sys.exit(0)

def read_idx(path):
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = [struct.unpack(">I", data[4 + 4 * i:8 + 4 * i])[0] for i in range(magic & 0xFF)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)

def find(name):
    for d in [os.environ.get("GALVANI_DATA", ""), os.path.join(os.environ.get("GALVANI_DATA", ""), "fashion-mnist"), "/usr/share/datasets/fashion-mnist"]:
        for suffix in ("", ".gz"):
            p = os.path.join(d, name + suffix)
            if d and os.path.exists(p):
                return p
    sys.exit("Fashion-MNIST not found: apt-get install -y dataset-fashion-mnist")

def load(split):
    x = torch.from_numpy(read_idx(find(split + "-images-idx3-ubyte")).astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(read_idx(find(split + "-labels-idx1-ubyte")).astype(np.int64))
    return (x - 0.2860) / 0.3530, y

def model():
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = load("train")
    xte, yte = load("t10k")
    if a.train_limit:
        xtr, ytr = xtr[:a.train_limit], ytr[:a.train_limit]
    m = model()
    steps = len(xtr) // a.batch_size
    opt = torch.optim.AdamW(m.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, epochs=a.epochs, steps_per_epoch=steps)
    epochs = []
    for epoch in range(a.epochs):
        m.train()
        perm = torch.randperm(len(xtr))
        t0 = time.perf_counter()
        for i in range(steps):
            idx = perm[i * a.batch_size:(i + 1) * a.batch_size]
            loss = F.cross_entropy(m(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        seconds = time.perf_counter() - t0
        m.eval()
        with torch.no_grad():
            acc = sum((m(xte[i:i + 500]).argmax(1) == yte[i:i + 500]).sum().item() for i in range(0, len(xte), 500)) / len(xte)
        epochs.append({"epoch": epoch + 1, "seconds": seconds, "test_accuracy": acc})
        print("epoch %d: %.1f s, test accuracy %.2f%%" % (epoch + 1, seconds, 100 * acc), flush=True)
    result = {"torch": torch.__version__, "threads": a.threads, "batch_size": a.batch_size, "epochs": epochs}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    print(json.dumps(result))

if __name__ == "__main__":
    main()
