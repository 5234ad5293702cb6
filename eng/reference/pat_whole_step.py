#!/usr/bin/python3
"""Run the PAT/FOFA authors' reference code (jimmylin0979/PAT, distillers/pat.py) for three whole
training steps and write reference vectors for FofaDsl's C# implementation.

The authors' code is NOT part of this repository: it is imported at run time from an extracted copy of
the mirror (see make-pat-vectors.sh). Only distillers/{registry,_base,utils,pat}.py are loaded, as
members of a synthetic package, so that distillers/__init__.py (which imports every distiller and
thus many more timm modules) is never executed.

timm is replaced by the small stand-ins under eng/reference/stand_ins/timm (see their docstrings).

Outputs per scenario (resnet-to-vit, vit-to-resnet):
  <scenario>.safetensors  initial state_dict of the distiller (init.<name>, F32 / I64) and the inputs
  <scenario>.json         settings, parameter groups, per-step losses and tensor fingerprints, facts,
                          observations

Usage: /usr/bin/python3 eng/reference/pat_whole_step.py [--pat-src /tmp/pat] [--out DIR] [--pat-commit SHA]
"""
import argparse
import copy
import hashlib
import importlib.util
import json
import math
import os
import struct
import sys
import types
from contextlib import contextmanager

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_OUT = os.path.join(REPO, "tests", "FofaDsl.Tests", "Methods", "Fofa", "Reference")

TIMM_COMMIT = "2898cf6e41357b6e79229547ad191ca74299f5d2"  # tag v0.6.5 (the version PAT's README pins)
NUM_STEPS = 3
PROBE_FREQ = 0.61803398875


# ----------------------------------------------------------------------------------------------
# Environment: stand-in timm, CPU instead of CUDA, loading the authors' modules
# ----------------------------------------------------------------------------------------------

def import_torch():
    sys.path.insert(0, os.path.join(HERE, "stand_ins"))
    import torch  # noqa: F401
    import timm  # noqa: F401  (the stand-in)
    assert os.path.dirname(timm.__file__).startswith(os.path.join(HERE, "stand_ins")), timm.__file__
    return torch


@contextmanager
def cuda_calls_are_noops(torch):
    """PAT.__init__ calls self.student.to("cuda"), self.teacher.to("cuda") and torch.rand(...).cuda()
    to measure feature shapes. This machine has no GPU (and the reference must run on CPU in float64),
    so during construction `.to("cuda")`/`.to(device="cuda")`, `Module.cuda()` and `Tensor.cuda()` return
    their receiver unchanged. Nothing else is altered; the patch is undone afterwards."""
    nn = torch.nn
    orig_module_to, orig_module_cuda, orig_tensor_cuda = nn.Module.to, nn.Module.cuda, torch.Tensor.cuda

    def is_cuda(dev):
        return (isinstance(dev, str) and dev.startswith("cuda")) or (
            isinstance(dev, torch.device) and dev.type == "cuda")

    def module_to(self, *args, **kwargs):
        if (args and is_cuda(args[0])) or is_cuda(kwargs.get("device")):
            return self
        return orig_module_to(self, *args, **kwargs)

    nn.Module.to = module_to
    nn.Module.cuda = lambda self, device=None: self
    torch.Tensor.cuda = lambda self, *args, **kwargs: self
    try:
        yield
    finally:
        nn.Module.to, nn.Module.cuda, torch.Tensor.cuda = orig_module_to, orig_module_cuda, orig_tensor_cuda


def load_pat(pat_src):
    """Load distillers/{registry,_base,utils,pat}.py as the package `pat_distillers`."""
    folder = os.path.join(pat_src, "distillers")
    pkg = types.ModuleType("pat_distillers")
    pkg.__path__ = [folder]
    pkg.__package__ = "pat_distillers"
    sys.modules["pat_distillers"] = pkg
    hashes = {}
    for name in ["registry", "_base", "utils", "pat"]:
        path = os.path.join(folder, name + ".py")
        with open(path, "rb") as f:
            hashes["distillers/" + name + ".py"] = hashlib.sha256(f.read()).hexdigest()
        spec = importlib.util.spec_from_file_location("pat_distillers." + name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules["pat_distillers." + name] = mod
        spec.loader.exec_module(mod)
        setattr(pkg, name, mod)
    return pkg.pat, pkg.utils, hashes


# ----------------------------------------------------------------------------------------------
# Scenario construction
# ----------------------------------------------------------------------------------------------

SCENARIOS = {
    "resnet-to-vit": dict(
        teacher=dict(kind="resnet", width=16, layers=[1, 1, 1, 1]),
        student=dict(kind="vit", patch=4, dim=32, depth=4, heads=2),
    ),
    "vit-to-resnet": dict(
        teacher=dict(kind="vit", patch=4, dim=32, depth=4, heads=2),
        student=dict(kind="resnet", width=8, layers=[1, 1, 1, 1]),
    ),
}
SEEDS = {"resnet-to-vit": 20240101, "vit-to-resnet": 20240202}
BATCH, CHANNELS, SIZE, NUM_CLASSES = 4, 3, 32, 10
PAT_ARGS = dict(
    pat_afp_stage=[1, 2, 3, 4],
    pat_raa_num_queries=16,
    pat_raa_dim=32,
    gt_loss_weight=1.0,
    kd_loss_weight=1.0,
    pat_mse_loss_weight=1.0,
    pat_reg_loss_weight=1.0,
    kd_temperature=1.0,
)
OPT = dict(opt="adamw", lr=5e-3, weight_decay=0.05, momentum=0.9, filter_bias_and_bn=True)
SMOOTHING = 0.1


def make_model(torch, spec):
    from timm.models.resnet import ResNet
    from timm.models.vision_transformer import VisionTransformer
    if spec["kind"] == "resnet":
        # zero_init_last=False: timm 0.6.5 zeroes every block's bn2.weight; we keep ones so that the
        # residual branches (and their gradients) are not trivially zero in the reference vectors.
        return ResNet(layers=spec["layers"], num_classes=NUM_CLASSES, width=spec["width"], img_size=SIZE,
                      zero_init_last=False)
    return VisionTransformer(img_size=SIZE, patch_size=spec["patch"], in_chans=CHANNELS, num_classes=NUM_CLASSES,
                             embed_dim=spec["dim"], depth=spec["depth"], num_heads=spec["heads"], qkv_bias=True)


def make_criterion(torch):
    nn, F = torch.nn, torch.nn.functional

    class LabelSmoothingCrossEntropy(nn.Module):
        """timm 0.6.5 timm/loss/cross_entropy.py LabelSmoothingCrossEntropy."""

        def __init__(self, smoothing=0.1):
            super().__init__()
            assert smoothing < 1.0
            self.smoothing = smoothing
            self.confidence = 1. - smoothing

        def forward(self, x, target):
            logprobs = F.log_softmax(x, dim=-1)
            nll_loss = -logprobs.gather(dim=-1, index=target.unsqueeze(1))
            nll_loss = nll_loss.squeeze(1)
            smooth_loss = -logprobs.mean(dim=-1)
            loss = self.confidence * nll_loss + self.smoothing * smooth_loss
            return loss.mean()

    return LabelSmoothingCrossEntropy(SMOOTHING)


def round_to_f32(torch, module):
    with torch.no_grad():
        for t in list(module.parameters()) + list(module.buffers()):
            if t.is_floating_point():
                t.copy_(t.float().double())


def build(torch, pat_mod, scenario):
    """Deterministically build (distiller, images, labels) for a scenario."""
    spec = SCENARIOS[scenario]
    seed = SEEDS[scenario]
    torch.manual_seed(seed)

    teacher = make_model(torch, spec["teacher"])
    # eval-mode BN must not be the identity: seeded random running statistics for the teacher
    gen = torch.Generator().manual_seed(seed + 1)
    for m in teacher.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=gen, dtype=torch.float64) * 0.1)
            m.running_var.copy_(0.5 + torch.rand(m.num_features, generator=gen, dtype=torch.float64))
    teacher.requires_grad_(False)  # train.py
    teacher.eval()                 # train.py

    student = make_model(torch, spec["student"])
    criterion = make_criterion(torch)
    args = argparse.Namespace(**PAT_ARGS)

    # Deviation: train.py leaves the student in train mode while PAT.__init__ probes it with a batch of one
    # 32x32 image. The 32x32 ResNet student's layer4 map is 1x1, so train-mode BatchNorm would raise
    # ("Expected more than 1 value per channel when training"). In eval mode the probe has no side effects.
    student.eval()
    with cuda_calls_are_noops(torch):
        distiller = pat_mod.PAT(student, teacher, criterion, input_size=(CHANNELS, SIZE, SIZE), args=args,
                                num_data=BATCH)
    # PromptBlock.beta is created with an explicit dtype=torch.float32; everything runs in float64.
    distiller.double()
    round_to_f32(torch, distiller)

    gen = torch.Generator().manual_seed(seed + 2)
    images = torch.randn(BATCH, CHANNELS, SIZE, SIZE, generator=gen, dtype=torch.float64).float().double()
    labels = torch.randint(0, NUM_CLASSES, (BATCH,), generator=gen, dtype=torch.int64)
    return distiller, images, labels


def param_groups_weight_decay(model, weight_decay=1e-5, no_weight_decay_list=()):
    """timm v0.6.5 timm/optim/optim_factory.py param_groups_weight_decay (same rule), returning names too."""
    no_weight_decay_list = set(no_weight_decay_list)
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        if param.ndim <= 1 or name.endswith(".bias") or name in no_weight_decay_list:
            no_decay.append((name, param))
        else:
            decay.append((name, param))
    return [(0.0, no_decay), (weight_decay, decay)]


def create_optimizer(torch, distiller):
    """timm v0.6.5 create_optimizer_v2(distiller, opt='adamw', lr=5e-3, weight_decay=0.05, momentum=0.9)."""
    no_weight_decay = {}
    has_nwd = hasattr(distiller, "no_weight_decay")
    if has_nwd:
        no_weight_decay = distiller.no_weight_decay()
    groups = param_groups_weight_decay(distiller, OPT["weight_decay"], no_weight_decay)
    # create_optimizer_v2: opt_args = dict(weight_decay=0., lr=lr) (weight_decay zeroed after grouping);
    # no eps/betas are passed (train.py --opt-eps/--opt-betas default None) -> torch defaults.
    optimizer = torch.optim.AdamW(
        [{"params": [p for _, p in g], "weight_decay": wd} for wd, g in groups], weight_decay=0.0, lr=OPT["lr"])
    described = [{"lr": OPT["lr"], "weight_decay": wd, "params": [n for n, _ in g]} for wd, g in groups]
    return optimizer, described, has_nwd


# ----------------------------------------------------------------------------------------------
# Fingerprints, safetensors
# ----------------------------------------------------------------------------------------------

def fingerprint(torch, t):
    if t is None:
        return None
    v = t.detach().reshape(-1).to(torch.float64).cpu()
    n = v.numel()
    idx = torch.arange(1, n + 1, dtype=torch.float64)
    w = torch.sin(PROBE_FREQ * idx)
    vals = v.tolist()
    wv = (v * w).tolist()
    return {
        "n": n,
        "sum": math.fsum(vals),
        "abs": math.fsum(abs(x) for x in vals),
        "sq": math.fsum(x * x for x in vals),
        "probe": math.fsum(wv),
        "head": vals[: min(4, n)],
    }


def write_safetensors(torch, path, tensors, metadata):
    """Hand-written safetensors: u64 LE header length, JSON header, raw little-endian data."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in tensors:
        if t.dtype == torch.int64:
            dtype, data = "I64", t.contiguous().numpy().astype("<i8").tobytes()
        else:
            dtype, data = "F32", t.contiguous().float().numpy().astype("<f4").tobytes()
            assert torch.equal(t.float().double(), t.double()), f"{name} is not float32-exact"
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


# ----------------------------------------------------------------------------------------------
# Training steps
# ----------------------------------------------------------------------------------------------

LOSS_KEYS = ["loss_gt", "loss_kd", "loss_pat_mse", "loss_pat_reg"]


def group_of(name):
    p = name.split(".")
    if p[0] == "student":
        return "student"
    if p[0] == "attention_blending":
        return f"attention_blending.projector_s.{p[2]}" if p[1] == "projector_s" else f"attention_blending.{p[1]}"
    if p[0] == "aligners":
        return f"aligners.{p[1]}"
    if p[0] == "prompt_blocks":
        return f"prompt_blocks.{p[1]}.{p[2]}"
    return p[0]


def coarse_group_of(name):
    p = name.split(".")
    if p[0] == "prompt_blocks":
        return f"prompt_blocks.*.{p[2]}"
    return p[0]


def classify(grads):
    if all(g is None for g in grads):
        return "none"
    m = max(float(g.abs().max()) for g in grads if g is not None)
    return "nonzero" if m != 0.0 else "zero"


def run_steps(torch, distiller, images, labels, teacher_eval, with_facts):
    """Reproduce train.py's train_one_epoch for NUM_STEPS steps of epoch 0."""
    optimizer, groups, has_nwd = create_optimizer(torch, distiller)
    trainable = [(n, p) for n, p in distiller.named_parameters() if p.requires_grad]
    teacher_bufs = lambda: {n: b.detach().clone() for n, b in distiller.teacher.named_buffers()}  # noqa: E731

    distiller.train()  # train_one_epoch: once per epoch (also puts the teacher in train mode)
    if teacher_eval:
        distiller.teacher.eval()  # documented intent: frozen teacher (see "observations" for the other way)

    # --- hooks: modes, feedback use, shapes ---
    rec = {}
    hooks = []

    def teacher_pre(mod, inp):
        rec["teacher_training_in_plain_pass"] = mod.training
        rec["teacher_bn_training_in_plain_pass"] = sorted(
            {m.training for m in mod.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)})

    def teacher_post(mod, inp, out):
        rec["plain_teacher_logits_requires_grad"] = out[0].requires_grad
        rec["plain_teacher_feat_requires_grad"] = any(f.requires_grad for f in out[1])
        rec["shape_teacher_feat"] = [list(f.shape) for f in out[1]]

    def student_post(mod, inp, out):
        rec["student_training"] = mod.training
        rec["shape_student_feat"] = [list(f.shape) for f in out[1]]

    hooks.append(distiller.teacher.register_forward_pre_hook(teacher_pre))
    hooks.append(distiller.teacher.register_forward_hook(teacher_post))
    hooks.append(distiller.student.register_forward_hook(student_post))
    for i, pb in enumerate(distiller.prompt_blocks):
        def pb_pre(mod, inp, i=i):
            fb = inp[1] if len(inp) > 1 else None
            rec.setdefault("feedback_used", {})[i] = fb is not None
            rec.setdefault("shape_prompt_in", {})[i] = list(inp[0].shape)
            rec.setdefault("shape_feedback", {})[i] = None if fb is None else list(fb.shape)
            rec.setdefault("prompt_block_training", {})[i] = mod.training

        hooks.append(pb.register_forward_pre_hook(pb_pre))

        def pb_post(mod, inp, out, i=i):
            rec.setdefault("shape_prompt_out", {})[i] = list(out.shape)

        def fusion_post(mod, inp, out, i=i):
            rec.setdefault("shape_fusion_out", {})[i] = list(out.shape)

        def prompt_post(mod, inp, out, i=i):
            rec.setdefault("shape_prompt_branch", {})[i] = [list(inp[0].shape), list(out.shape)]

        hooks.append(pb.register_forward_hook(pb_post))
        hooks.append(pb.fusion_block.register_forward_hook(fusion_post))
        hooks.append(pb.prompt_block.register_forward_hook(prompt_post))
    for i, al in enumerate(distiller.aligners):
        def al_post(mod, inp, out, i=i):
            rec.setdefault("shape_aligner", {})[i] = [list(inp[0].shape), list(out.shape)]
            rec.setdefault("aligner_training", {})[i] = mod.training

        hooks.append(al.register_forward_hook(al_post))

    def ab_post(mod, inp, out):
        rec["attention_blending_training"] = mod.training
        rec["shape_attention_blending_out"] = [list(o.shape) for o in out]

    hooks.append(distiller.attention_blending.register_forward_hook(ab_post))

    steps, facts = [], []
    for step in range(NUM_STEPS):
        rec.clear()
        before = teacher_bufs()
        output, losses_dict = distiller(images, labels, epoch=0)
        loss = sum(losses_dict.values())  # train.py

        fact = None
        if with_facts:
            names = [n for n, _ in trainable]
            params = [p for _, p in trainable]
            per_loss = {}
            for key in LOSS_KEYS:
                term = losses_dict[key]
                if not (torch.is_tensor(term) and term.requires_grad):
                    per_loss[key] = {"requiresGrad": False}
                    continue
                grads = torch.autograd.grad(term, params, retain_graph=True, allow_unused=True)
                fine, coarse = {}, {}
                for n, g in zip(names, grads):
                    fine.setdefault(group_of(n), []).append(g)
                    coarse.setdefault(coarse_group_of(n), []).append(g)
                per_loss[key] = {
                    "coarse": {k: classify(v) for k, v in coarse.items()},
                    "fine": {k: classify(v) for k, v in fine.items()},
                }
            fact = {"gradientSourcesByLoss": per_loss}

        optimizer.zero_grad()  # torch 1.13 default: set_to_none=False (existing grads are zeroed, None stays None)
        loss.backward()
        grads = {n: fingerprint(torch, p.grad) for n, p in trainable}
        grad_is_none = [n for n, p in trainable if p.grad is None]
        grad_is_zero = [n for n, p in trainable if p.grad is not None and not bool(p.grad.any())]
        optimizer.step()

        after = teacher_bufs()
        changed = {n: float((after[n].double() - before[n].double()).abs().max()) for n in before
                   if not torch.equal(after[n], before[n])}
        steps.append({
            "step": step + 1,
            "losses": {**{k: float(losses_dict[k]) for k in LOSS_KEYS}, "total": float(loss)},
            "feedbackUsed": [rec["feedback_used"][i] for i in range(len(distiller.prompt_blocks))],
            "gradients": grads,
            "parameters": {n: fingerprint(torch, p) for n, p in trainable},
            "buffers": {n: fingerprint(torch, b) for n, b in distiller.named_buffers()
                        if not n.endswith("num_batches_tracked")},
            "batchesTracked": {n: int(b) for n, b in distiller.named_buffers() if n.endswith("num_batches_tracked")},
        })
        if with_facts:
            fact.update({
                "step": step + 1,
                "gradientIsNoneAfterBackward": grad_is_none,
                "gradientIsExactlyZeroAfterBackward": grad_is_zero,
                "plainTeacherOutputRequiresGrad": rec["plain_teacher_logits_requires_grad"],
                "plainTeacherFeaturesRequireGrad": rec["plain_teacher_feat_requires_grad"],
                "storedFeedbackRequiresGrad": {
                    "prev_feat_student": [t.requires_grad for t in distiller.prev_feat_student],
                    "prev_feat_teacher": [t.requires_grad for t in distiller.prev_feat_teacher],
                },
                "storedFeedbackShapes": {
                    "prev_feat_student": [list(t.shape) for t in distiller.prev_feat_student],
                    "prev_feat_teacher": [list(t.shape) for t in distiller.prev_feat_teacher],
                },
                "teacherBuffersChanged": bool(changed),
                "teacherBuffersMaxAbsChange": changed,
                "modesDuringForward": {
                    "teacherPlainPassTraining": rec["teacher_training_in_plain_pass"],
                    "teacherBatchNormTrainingFlagsInPlainPass": rec["teacher_bn_training_in_plain_pass"],
                    "teacherTrainingAfterStep": distiller.teacher.training,
                    "student": rec["student_training"],
                    "promptBlocks": [rec["prompt_block_training"][i] for i in range(len(distiller.prompt_blocks))],
                    "attentionBlending": rec["attention_blending_training"],
                    "aligners": [rec["aligner_training"][i] for i in range(len(distiller.aligners))],
                },
                "shapes": {
                    "studentFeatures": rec["shape_student_feat"],
                    "teacherPlainFeatures": rec["shape_teacher_feat"],
                    "promptBlockInputs": [rec["shape_prompt_in"][i] for i in range(len(distiller.prompt_blocks))],
                    "promptBlockFeedback": [rec["shape_feedback"][i] for i in range(len(distiller.prompt_blocks))],
                    "fusionBlockOutput": [rec.get("shape_fusion_out", {}).get(i)
                                          for i in range(len(distiller.prompt_blocks))],
                    "promptBranchInOut": [rec["shape_prompt_branch"][i] for i in range(len(distiller.prompt_blocks))],
                    "promptBlockOutputs": [rec["shape_prompt_out"][i] for i in range(len(distiller.prompt_blocks))],
                    "attentionBlendingOutputs": rec["shape_attention_blending_out"],
                    "alignersInOut": [rec["shape_aligner"][i] for i in range(len(distiller.aligners))],
                },
            })
            facts.append(fact)
    for h in hooks:
        h.remove()
    return steps, facts, groups, has_nwd, optimizer


def max_param_diff(torch, a, b):
    pa = dict(a.named_parameters())
    return max(float((p - pa[n]).abs().max()) for n, p in b.named_parameters())


def run_scenario(torch, pat_mod, scenario, out_dir, meta):
    distiller, images, labels = build(torch, pat_mod, scenario)
    init_state = [(n, t.detach().clone()) for n, t in distiller.state_dict().items()]
    init_copy = copy.deepcopy(distiller)

    steps, facts, groups, has_nwd, optimizer = run_steps(torch, distiller, images, labels, teacher_eval=True,
                                                         with_facts=True)

    # ---- observation: exactly like train.py (distiller.train() only, teacher train mode on step 1) ----
    loop = copy.deepcopy(init_copy)
    tb0 = {n: b.detach().clone() for n, b in loop.teacher.named_buffers()}
    loop_steps, loop_facts, _, _, _ = run_steps(torch, loop, images, labels, teacher_eval=False, with_facts=True)
    tb_moved = {}
    # teacher buffers after step 1 of the loop-exact run (they can only move on step 1, see facts)
    for n, b in loop.teacher.named_buffers():
        if not torch.equal(b, tb0[n]):
            tb_moved[n] = (int(b) - int(tb0[n])) if n.endswith("num_batches_tracked") else float(
                (b.double() - tb0[n].double()).abs().max())
    observations = {
        "description": "Second run from the same initial state, exactly like train.py's train_one_epoch: "
                       "distiller.train() once (teacher too), no extra teacher.eval(). PAT.forward runs the "
                       "plain no-grad teacher pass BEFORE it calls self.teacher.eval(), so on the first step of "
                       "every epoch that pass uses train-mode BatchNorm (batch statistics) and updates the "
                       "teacher's running statistics; afterwards the teacher stays in eval mode until the next "
                       "distiller.train().",
        "teacherModeInPlainPassPerStep": [f["modesDuringForward"]["teacherPlainPassTraining"] for f in loop_facts],
        "teacherBuffersChangedPerStep": [f["teacherBuffersChanged"] for f in loop_facts],
        "teacherBuffersMaxAbsChangeTotal": tb_moved,
        "lossesPerStep": [s["losses"] for s in loop_steps],
        "maxAbsTrainableParameterDifferenceAfterLastStep": max_param_diff(torch, distiller, loop),
        "lossDifferenceLoopMinusFrozenPerStep": [
            {k: s["losses"][k] - r["losses"][k] for k in s["losses"]} for s, r in zip(loop_steps, steps)],
    }

    trainable = [(n, p) for n, p in init_copy.named_parameters() if p.requires_grad]
    state_list = []
    params = dict(init_copy.named_parameters())
    for n, t in init_state:
        state_list.append({
            "name": n, "shape": list(t.shape), "dtype": "I64" if t.dtype == torch.int64 else "F32",
            "kind": "parameter" if n in params else "buffer",
            "requiresGrad": bool(params[n].requires_grad) if n in params else False,
        })

    settings = {
        "scenario": scenario,
        "seed": SEEDS[scenario],
        "teacher": SCENARIOS[scenario]["teacher"],
        "student": SCENARIOS[scenario]["student"],
        "batch": BATCH, "imageShape": [CHANNELS, SIZE, SIZE], "numClasses": NUM_CLASSES,
        "inputSizeForPat": [CHANNELS, SIZE, SIZE],
        "patArgs": PAT_ARGS,
        "criterion": {"name": "LabelSmoothingCrossEntropy (timm 0.6.5)", "smoothing": SMOOTHING,
                      "formula": "mean over batch of (1-s)*(-log p[y]) + s*mean_c(-log p[c])"},
        "epoch": 0,
        "numSteps": NUM_STEPS,
        "dtype": "float64 computation; every initial parameter/buffer and the images are float32-exact",
        "teacherModeForVectors": "distiller.train(); distiller.teacher.eval() before step 1 (frozen teacher)",
        "lossTotal": "sum(losses_dict.values()) = (((0 + loss_gt) + loss_kd) + loss_pat_mse) + loss_pat_reg",
        "optimizer": {
            "source": f"timm v0.6.5 ({TIMM_COMMIT}) timm/optim/optim_factory.py create_optimizer_v2 + "
                      "param_groups_weight_decay",
            "call": "create_optimizer_v2(distiller, opt='adamw', lr=5e-3, weight_decay=0.05, momentum=0.9) "
                    "(train.py: create_optimizer_v2(distiller, **optimizer_kwargs(cfg=args)))",
            "rule": "iterate distiller.named_parameters(); skip requires_grad=False; no decay (group 0, "
                    "weight_decay 0) if param.ndim <= 1 or name.endswith('.bias') or name in no_weight_decay_list; "
                    "else decay (group 1, weight_decay 0.05). no_weight_decay_list = distiller.no_weight_decay() "
                    "only if the distiller has that attribute.",
            "distillerHasNoWeightDecay": has_nwd,
            "torchOptimizer": "torch.optim.AdamW(groups, lr=5e-3, weight_decay=0.0 default for groups) with "
                              "torch defaults betas=(0.9, 0.999), eps=1e-8, amsgrad=False (timm passes no eps/betas "
                              "because train.py --opt-eps/--opt-betas default to None)",
            "adamwUpdate": "torch 1.13 single-tensor AdamW, per param with grad not None: step+=1; "
                           "p *= (1 - lr*wd); m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g; "
                           "p -= (lr / (1-b1^step)) * m / (sqrt(v)/sqrt(1-b2^step) + eps). Params whose .grad is "
                           "None are skipped entirely (no decay, no state).",
            "zeroGrad": "optimizer.zero_grad() with torch 1.13 default set_to_none=False",
        },
        "roundingToFloat32": "after construction, every parameter and buffer: t = float64(float32(t))",
        "fingerprint": "n, sum, abs=sum|t|, sq=sum t^2, probe=sum t_i*sin(0.61803398875*(i+1)) (i 0-based, "
                       "row-major), head=first min(4,n) values; sums with math.fsum",
        **meta,
    }

    doc = {
        "settings": settings,
        "stateDict": state_list,
        "trainable": [{"name": n, "numel": p.numel()} for n, p in trainable],
        "parameterGroups": groups,
        "steps": steps,
        "facts": facts,
        "observations": observations,
    }
    os.makedirs(out_dir, exist_ok=True)
    json_path = os.path.join(out_dir, scenario + ".json")
    with open(json_path, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    # The RAA position table is 5000 x 1 x dim; only its first rows are ever read (by batch position in PAT), so the
    # committed file keeps 64 of them. They are float32 values (computed in float32 by PAT), which the C# side loads
    # instead of its own table, whose float64 arithmetic can differ in the last float32 bit.
    tensors = [("init." + n, t[:64] if n.endswith("positional_encodings") else t) for n, t in init_state]
    tensors += [("input.images", images), ("input.labels", labels)]
    st_path = os.path.join(out_dir, scenario + ".safetensors")
    write_safetensors(torch, st_path, tensors, {"scenario": scenario, "pat_commit": meta["patCommit"]})

    # summary for the console
    print(f"== {scenario}")
    for n, p in init_copy.named_parameters():
        if not n.startswith("teacher"):
            print(f"  param  {n} {tuple(p.shape)}")
    for n, b in init_copy.named_buffers():
        if not n.startswith("teacher"):
            print(f"  buffer {n} {tuple(b.shape)} {b.dtype}")
    for s in steps:
        print("  step", s["step"], s["losses"], "feedback", s["feedbackUsed"])
    print("  sizes:", os.path.getsize(st_path), "bytes safetensors,", os.path.getsize(json_path), "bytes json")
    return doc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pat-src", default="/tmp/pat", help="folder holding the extracted distillers/ of PAT")
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--pat-commit", default="unknown", help="commit of jimmylin0979/PAT that was extracted")
    ap.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), help="default: all")
    a = ap.parse_args()

    torch = import_torch()
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    pat_mod, _, hashes = load_pat(a.pat_src)
    meta = {"patCommit": a.pat_commit, "patFilesSha256": hashes, "torchVersion": torch.__version__,
            "timmStandIn": f"eng/reference/stand_ins/timm mirroring timm v0.6.5 ({TIMM_COMMIT})"}
    for scenario in a.scenario or list(SCENARIOS):
        run_scenario(torch, pat_mod, scenario, a.out, meta)


if __name__ == "__main__":
    main()
