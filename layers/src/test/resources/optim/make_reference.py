#!/usr/bin/env python3
"""Records PyTorch reference values for Galvani's optimizers and learning-rate schedules.

Run from this folder with a PyTorch install:  python make_reference.py
It writes optimizers.txt and schedules.txt next to itself; OptimizerReferenceTest and
ScheduleReferenceTest replay the same problems in Java and compare (1e-6 relative).

The optimizer problem (float64), four parameters w [4], U [2, 3], V [5], Z [2]:
    loss = sum((A w - b)^2) + sum((U C - D)^2) + sum(k * (V - E)^2)
so grad w = 2 A^T (A w - b), grad U = 2 (U C - D) C^T, grad V = 2 k (V - E), and Z never gets a
gradient (the optimizer must skip it). Each case runs a few steps and records every parameter after
every step, then the optimizer's state_dict() (state tensors, step counts, group hyperparameters).

File format (plain text, one record a line; numbers are Python repr(), exact for float64):
    tensor NAME d0 d1 ... : v0 v1 ...        problem data and initial parameters
    case NAME / optimizer TYPE / defaults k=v ... / group p1 p2 ... [k=v ...] / scheduler ...
    after STEP PARAM : values               parameter values after optimizer step STEP
    state INDEX KEY : values                final optimizer state (PyTorch's integer param index)
    hyper GROUP k=v ...                      final group hyperparameters
    end
"""
import math
import pathlib
import warnings

import torch

warnings.filterwarnings("ignore")
torch.set_default_dtype(torch.float64)
HERE = pathlib.Path(__file__).resolve().parent


def fmt(x):
    return repr(float(x))


def values(t):
    return " ".join(fmt(v) for v in t.detach().reshape(-1).tolist())


def tensor_line(name, t):
    return f"tensor {name} {' '.join(str(d) for d in t.shape)} : {values(t)}"


# ---- the optimizer problem ------------------------------------------------------------------------

g = torch.Generator().manual_seed(20240607)
DATA = {
    "A": torch.randn(3, 4, generator=g),
    "b": torch.randn(3, generator=g),
    "C": torch.randn(3, 3, generator=g),
    "D": torch.randn(2, 3, generator=g),
    "k": torch.rand(5, generator=g) + 0.5,
    "E": torch.randn(5, generator=g),
}
INITIAL = {
    "w": torch.randn(4, generator=g),
    "U": torch.randn(2, 3, generator=g),
    "V": torch.randn(5, generator=g),
    "Z": torch.randn(2, generator=g),
}
ORDER = ["w", "U", "V", "Z"]


def loss(p):
    d = DATA
    return (((d["A"] @ p["w"] - d["b"]) ** 2).sum()
            + ((p["U"] @ d["C"] - d["D"]) ** 2).sum()
            + (d["k"] * (p["V"] - d["E"]) ** 2).sum())


def kv(options):
    out = []
    for k, v in options.items():
        if isinstance(v, bool):
            out.append(f"{k}={'true' if v else 'false'}")
        elif isinstance(v, (tuple, list)):
            out.append(f"{k}={','.join(str(x) if isinstance(x, int) else fmt(x) for x in v)}")
        elif isinstance(v, str):
            out.append(f"{k}={v}")
        elif isinstance(v, int):
            out.append(f"{k}={v}")
        else:
            out.append(f"{k}={fmt(v)}")
    return " ".join(out)


OPTIMIZERS = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW,
              "RMSprop": torch.optim.RMSprop}
TWO_GROUPS = [(["w", "U"], {}), (["V", "Z"], {})]
ONE_GROUP = [(ORDER, {})]

# (name, optimizer, constructor defaults, groups [(params, overrides)], scheduler spec or None, steps)
OPTIMIZER_CASES = [
    ("sgd_defaults", "SGD", {}, ONE_GROUP, None, 5),
    ("sgd_momentum_groups", "SGD", {"lr": 0.05, "momentum": 0.9},
     [(["w", "U"], {}), (["V", "Z"], {"lr": 0.01})], None, 5),
    ("sgd_nesterov_weight_decay", "SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
     ONE_GROUP, None, 5),
    ("sgd_dampening_maximize", "SGD", {"lr": 0.02, "momentum": 0.5, "dampening": 0.3, "maximize": True},
     [(["w", "U"], {}), (["V", "Z"], {"momentum": 0.8, "weight_decay": 0.1})], None, 5),
    ("sgd_weight_decay", "SGD", {"lr": 0.03, "weight_decay": 0.2}, TWO_GROUPS, None, 5),
    ("adam_defaults", "Adam", {}, ONE_GROUP, None, 5),
    ("adam_groups", "Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6},
     [(["w", "U"], {}), (["V", "Z"], {"lr": 0.05, "betas": (0.5, 0.9)})], None, 5),
    ("adam_l2_amsgrad", "Adam", {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True}, TWO_GROUPS, None, 6),
    ("adam_maximize", "Adam", {"lr": 0.01, "maximize": True}, ONE_GROUP, None, 5),
    ("adamw_defaults", "AdamW", {}, ONE_GROUP, None, 5),
    ("adamw_amsgrad_groups", "AdamW", {"lr": 0.02, "weight_decay": 0.05, "amsgrad": True},
     [(["w", "U"], {}), (["V", "Z"], {"lr": 0.01, "weight_decay": 0.0})], None, 6),
    ("adamw_eps_betas", "AdamW", {"lr": 0.03, "eps": 1e-3, "betas": (0.95, 0.9), "weight_decay": 0.3},
     ONE_GROUP, None, 5),
    ("rmsprop_defaults", "RMSprop", {}, ONE_GROUP, None, 5),
    ("rmsprop_momentum_centered", "RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "alpha": 0.9},
     ONE_GROUP, None, 5),
    ("rmsprop_weight_decay_groups", "RMSprop", {"lr": 0.005, "weight_decay": 0.1, "eps": 1e-4},
     [(["w", "U"], {}), (["V", "Z"], {"centered": True, "momentum": 0.5, "lr": 0.02})], None, 5),
    ("rmsprop_maximize", "RMSprop", {"lr": 0.01, "maximize": True, "momentum": 0.3}, ONE_GROUP, None, 5),
    # Schedules driving the updates: OneCycleLR also cycles SGD's momentum and Adam's beta1.
    ("sgd_onecycle", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, TWO_GROUPS,
     {"type": "OneCycleLR", "max_lr": (0.02, 0.05), "total_steps": 8}, 8),
    ("adam_onecycle_three_phase", "Adam", {"lr": 0.01}, TWO_GROUPS,
     {"type": "OneCycleLR", "max_lr": (0.03,), "total_steps": 8, "three_phase": True, "anneal_strategy": "linear"}, 8),
    ("adamw_warmup_cosine", "AdamW", {"lr": 0.02}, TWO_GROUPS,
     {"type": "WarmupCosine", "start_factor": 0.25, "warmup": 2, "t_max": 5}, 7),
]


def make_scheduler(opt, spec):
    if spec["type"] == "OneCycleLR":
        kwargs = {k: v for k, v in spec.items() if k not in ("type", "max_lr")}
        max_lr = list(spec["max_lr"]) if len(spec["max_lr"]) > 1 else spec["max_lr"][0]
        return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, **kwargs)
    if spec["type"] == "WarmupCosine":
        warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=spec["start_factor"], total_iters=spec["warmup"])
        cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=spec["t_max"])
        return torch.optim.lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[spec["warmup"]])
    raise ValueError(spec["type"])


def run_optimizer_case(name, kind, defaults, groups, sched_spec, steps):
    params = {n: INITIAL[n].clone().requires_grad_(True) for n in ORDER}
    torch_groups = [dict({"params": [params[n] for n in names]}, **over) for names, over in groups]
    opt = OPTIMIZERS[kind](torch_groups, **defaults)
    sched = make_scheduler(opt, sched_spec) if sched_spec else None
    lines = [f"case {name}", f"optimizer {kind}", f"defaults {kv(defaults)}".rstrip()]
    for names, over in groups:
        lines.append(f"group {' '.join(names)} {kv(over)}".rstrip())
    if sched_spec:
        lines.append(f"scheduler {kv(sched_spec)}")
    for step in range(1, steps + 1):
        opt.zero_grad()
        loss(params).backward()
        opt.step()
        if sched:
            sched.step()
        for n in ORDER:
            lines.append(f"after {step} {n} : {values(params[n])}")
    sd = opt.state_dict()
    for index in sorted(sd["state"]):
        for key, value in sd["state"][index].items():
            lines.append(f"state {index} {key} : {values(value) if key != 'step' else int(value)}")
    for gi, group in enumerate(sd["param_groups"]):
        scalars = {k: v for k, v in group.items()
                   if k in ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "betas",
                            "eps", "amsgrad", "alpha", "centered", "initial_lr", "max_lr", "min_lr",
                            "base_momentum", "max_momentum")}
        lines.append(f"hyper {gi} {kv(scalars)}")
    lines.append("end")
    return lines


# ---- the schedules --------------------------------------------------------------------------------

LR = torch.optim.lr_scheduler
# (name, optimizer spec, scheduler spec(s), epochs). The optimizer has one parameter per group.
SCHEDULE_CASES = [
    ("steplr", ("SGD", (0.1, 0.02), {}), [("StepLR", {"step_size": 7, "gamma": 0.5})], 30),
    ("steplr_default_gamma", ("SGD", (0.1,), {}), [("StepLR", {"step_size": 10})], 30),
    ("cosine_eta_min_past_tmax", ("SGD", (0.1, 0.05), {}), [("CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001})], 30),
    ("cosine_default", ("Adam", (0.001,), {}), [("CosineAnnealingLR", {"T_max": 30})], 30),
    ("linear_default", ("SGD", (0.1, 0.3), {}), [("LinearLR", {})], 30),
    ("linear_warmup", ("SGD", (0.1,), {}), [("LinearLR", {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 10})], 30),
    ("linear_decay", ("AdamW", (0.002,), {}), [("LinearLR", {"start_factor": 1.0, "end_factor": 0.2, "total_iters": 20})], 30),
    ("warmup_cosine", ("SGD", (0.1, 0.01), {}),
     [("SequentialLR", {"milestones": (5,)}), ("LinearLR", {"start_factor": 0.1, "total_iters": 5}),
      ("CosineAnnealingLR", {"T_max": 25, "eta_min": 1e-4})], 30),
    ("sequential_three", ("SGD", (0.1,), {}),
     [("SequentialLR", {"milestones": (3, 12)}), ("LinearLR", {"start_factor": 0.5, "total_iters": 3}),
      ("StepLR", {"step_size": 4, "gamma": 0.5}), ("CosineAnnealingLR", {"T_max": 18})], 30),
    ("onecycle_sgd_defaults", ("SGD", (0.1, 0.05), {"momentum": 0.9}),
     [("OneCycleLR", {"max_lr": (0.1, 0.05), "total_steps": 30})], 30),
    ("onecycle_adam_epochs_linear", ("Adam", (0.001,), {}),
     [("OneCycleLR", {"max_lr": (0.01,), "epochs": 3, "steps_per_epoch": 10, "anneal_strategy": "linear",
                      "pct_start": 0.25, "div_factor": 10.0, "final_div_factor": 100.0,
                      "base_momentum": 0.8, "max_momentum": 0.9})], 30),
    ("onecycle_three_phase", ("SGD", (0.1,), {"momentum": 0.9}),
     [("OneCycleLR", {"max_lr": (0.2,), "total_steps": 30, "three_phase": True, "pct_start": 0.4})], 30),
    ("onecycle_no_momentum_cycle", ("RMSprop", (0.01, 0.02), {}),
     [("OneCycleLR", {"max_lr": (0.05, 0.1), "total_steps": 25, "cycle_momentum": False})], 25),
]

SCHEDULERS = {"StepLR": LR.StepLR, "CosineAnnealingLR": LR.CosineAnnealingLR, "LinearLR": LR.LinearLR,
              "OneCycleLR": LR.OneCycleLR}


def build_scheduler(opt, name, args):
    args = dict(args)
    if name == "OneCycleLR":
        m = args["max_lr"]
        args["max_lr"] = list(m) if len(m) > 1 else m[0]
    return SCHEDULERS[name](opt, **args)


def momentum_of(group):
    if "betas" in group:
        return group["betas"][0]
    return group.get("momentum")


def run_schedule_case(name, opt_spec, scheds, epochs):
    kind, lrs, extra = opt_spec
    params = [torch.zeros(2, requires_grad=True) for _ in lrs]
    opt = OPTIMIZERS[kind]([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], **extra)
    lines = [f"case {name}", f"optimizer {kind} lrs={','.join(fmt(x) for x in lrs)} {kv(extra)}".rstrip()]
    for sname, sargs in scheds:
        lines.append(f"scheduler {sname} {kv(sargs)}".rstrip())
    if scheds[0][0] == "SequentialLR":
        subs = [build_scheduler(opt, n, a) for n, a in scheds[1:]]
        sched = LR.SequentialLR(opt, subs, milestones=list(scheds[0][1]["milestones"]))
    else:
        sched = build_scheduler(opt, *scheds[0])
    cycles = scheds[0][0] == "OneCycleLR" and scheds[0][1].get("cycle_momentum", True)

    def record(epoch):
        line = f"epoch {epoch} lr {' '.join(fmt(x) for x in sched.get_last_lr())}"
        if cycles:
            line += " momentum " + " ".join(fmt(momentum_of(gr)) for gr in opt.param_groups)
        lines.append(line)

    record(0)
    for epoch in range(1, epochs + 1):
        opt.step()
        sched.step()
        record(epoch)
    lines.append("end")
    return lines


def header(what):
    return [f"# Galvani {what} reference values, recorded with torch {torch.__version__} (float64) by make_reference.py.",
            "# Regenerate: python make_reference.py (see the docstring there for the format)."]


def main():
    out = header("optimizer")
    out += ["# loss = sum((A w - b)^2) + sum((U C - D)^2) + sum(k * (V - E)^2); Z gets no gradient."]
    out += [tensor_line(n, t) for n, t in DATA.items()]
    out += [tensor_line(n, t) for n, t in INITIAL.items()]
    for case in OPTIMIZER_CASES:
        out += run_optimizer_case(*case)
    (HERE / "optimizers.txt").write_text("\n".join(out) + "\n")

    out = header("learning-rate schedule")
    out += ["# 'epoch N lr ...' is get_last_lr() after N scheduler steps (0: right after construction);",
            "# 'momentum ...' is each group's momentum (SGD, RMSprop) or beta1 (Adam, AdamW)."]
    for case in SCHEDULE_CASES:
        out += run_schedule_case(*case)
    (HERE / "schedules.txt").write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
