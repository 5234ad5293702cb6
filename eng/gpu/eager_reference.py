#!/usr/bin/env python3
"""PyTorch eager counterpart of the .NET GPU bench (eng/gpu/GpuBench): the same teacher-student pairs,
built here in plain torch (no timm), timed the same way.

    python3 eager_reference.py info
    python3 eager_reference.py step --pair quickstart|paper --kind supervised|kd [--device cuda]
                                    [--warmup 5] [--steps 20] [--batch N] [--tf32 on|default]

Pairs (architectures as FofaDsl builds them, timm/torchvision layouts):
  quickstart: ViT (patch 7, width 96, depth 6, 3 heads, class token) -> ResNet18 with the CIFAR stem
              (3x3 stride 1, no max-pool), width 8; 1x28x28 images, 10 classes, batch 128.
  paper:      ConvNeXt-T (3-3-9-3, 96..768) -> DeiT-T (patch 16, width 192, depth 12, 3 heads);
              3x224x224 images, 10 classes, batch 64.
Steps (the FOFA step has no PyTorch counterpart here; only .NET runs it; --threads N sets torch's CPU threads):
  supervised: the student alone, cross-entropy with label smoothing 0.1.
  kd:         frozen teacher forward (eval, no grad) + student forward/backward, cross-entropy with
              label smoothing 0.1 plus KL(teacher || student) at temperature 1, as FofaDsl's logit KD.
  fitnet:     the same teacher pass, cross-entropy plus FitNet's hint loss on all four stages with FofaDsl's
              regressors (patch embedding, 1x1 convolution or linear, nearest resize).
Each step: zero_grad, forward, backward, AdamW(lr 1e-4, PyTorch's defaults otherwise). Warm-up steps,
then one block of timed steps between two torch.cuda.synchronize() calls. The last line starting with
RESULT is what eng/gpu/run.sh reads.
"""
import argparse
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LAYER_NORM_EPS = 1e-6
LABEL_SMOOTHING = 0.1
TEMPERATURE = 1.0


def attention(q, k, v):
    """Scaled dot-product attention; PyTorch 1.13 (Debian 12's python3-torch) predates F.scaled_dot_product_attention."""
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v)
    return (q @ k.transpose(-2, -1) * q.shape[-1] ** -0.5).softmax(-1) @ v


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        batch, count, dim = x.shape
        q, k, v = self.qkv(x).reshape(batch, count, 3, self.heads, dim // self.heads).permute(2, 0, 3, 1, 4)
        x = attention(q, k, v)
        return self.proj(x.transpose(1, 2).reshape(batch, count, dim))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.mlp = Mlp(dim, 4 * dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, channels, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionTransformer(nn.Module):
    """timm's VisionTransformer with a class token, no distillation token, class-token pooling."""

    def __init__(self, channels, image_size, patch, dim, depth, heads, classes):
        super().__init__()
        grid = image_size // patch
        self.patch_embed = PatchEmbed(channels, dim, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + grid * grid, dim))
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        self.blocks = nn.Sequential(*[Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.head = nn.Linear(dim, classes)

    def forward(self, images):
        return self.forward_stages(images)[0]

    def forward_stages(self, images):
        """Logits and four stage outputs (tokens with the class token), the blocks cut into four near-equal runs."""
        x = self.patch_embed(images)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        stages, depth = [], len(self.blocks)
        ends = [round(depth * (i + 1) / 4) for i in range(4)]
        for index, block in enumerate(self.blocks):
            x = block(x)
            if index + 1 in ends:
                stages.append(x)
        return self.head(self.norm(x)[:, 0]), stages


class BasicBlock(nn.Module):
    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.downsample = None
        if stride != 1 or inputs != outputs:
            self.downsample = nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride, bias=False), nn.BatchNorm2d(outputs))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet18Cifar(nn.Module):
    """torchvision's ResNet18 with the CIFAR stem (3x3 convolution, stride 1, no max-pool)."""

    def __init__(self, channels, width, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        widths = [width, 2 * width, 4 * width, 8 * width]
        layers, inputs = [], width
        for index, outputs in enumerate(widths):
            stride = 1 if index == 0 else 2
            layers.append(nn.Sequential(BasicBlock(inputs, outputs, stride), BasicBlock(outputs, outputs, 1)))
            inputs = outputs
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.fc = nn.Linear(widths[-1], classes)

    def forward(self, images):
        return self.forward_stages(images)[0]

    def forward_stages(self, images):
        x = F.relu(self.bn1(self.conv1(images)))
        stages = []
        for layer in (self.layer1, self.layer2, self.layer3, self.layer4):
            x = layer(x)
            stages.append(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)), stages


class LayerNorm2d(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        x = F.layer_norm(x.permute(0, 2, 3, 1), self.weight.shape, self.weight, self.bias, LAYER_NORM_EPS)
        return x.permute(0, 3, 1, 2)


class ConvNeXtBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv_dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.mlp = Mlp(dim, 4 * dim)
        self.gamma = nn.Parameter(torch.full((dim,), 1e-6))

    def forward(self, x):
        branch = self.mlp(self.norm(self.conv_dw(x).permute(0, 2, 3, 1))) * self.gamma
        return branch.permute(0, 3, 1, 2) + x


class ConvNeXtTiny(nn.Module):
    """timm's convnext_tiny (depths 3-3-9-3, widths 96-192-384-768, layer scale 1e-6, no drop path)."""

    def __init__(self, channels, classes, depths=(3, 3, 9, 3), dims=(96, 192, 384, 768)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(channels, dims[0], 4, 4), LayerNorm2d(dims[0]))
        stages = []
        for index, (depth, dim) in enumerate(zip(depths, dims)):
            downsample = [] if index == 0 else [LayerNorm2d(dims[index - 1]), nn.Conv2d(dims[index - 1], dim, 2, 2)]
            stages.append(nn.Sequential(*downsample, *[ConvNeXtBlock(dim) for _ in range(depth)]))
        self.stages = nn.Sequential(*stages)
        self.head_norm = LayerNorm2d(dims[-1])
        self.head_fc = nn.Linear(dims[-1], classes)

    def forward(self, images):
        return self.forward_stages(images)[0]

    def forward_stages(self, images):
        x, stages = self.stem(images), []
        for stage in self.stages:
            x = stage(x)
            stages.append(x)
        return self.head_fc(self.head_norm(x.mean((2, 3), keepdim=True)).flatten(1)), stages


PAIRS = {
    # name: (batch, channels, image size, classes, teacher factory, student factory)
    "quickstart": (128, 1, 28, 10,
                   lambda: VisionTransformer(1, 28, patch=7, dim=96, depth=6, heads=3, classes=10),
                   lambda: ResNet18Cifar(1, width=8, classes=10)),
    "paper": (64, 3, 224, 10,
              lambda: ConvNeXtTiny(3, classes=10),
              lambda: VisionTransformer(3, 224, patch=16, dim=192, depth=12, heads=3, classes=10)),
}


class FitNetRegressor(nn.Module):
    """FitNet's per-stage regressor, by the rules of FofaDsl's FitNetRegressor (baselines.md): CNN -> tokens by a patch
    embedding (kernel = stride = student pixels per teacher token), otherwise a 1x1 convolution on the student's map,
    tokens -> tokens by a linear layer; then a nearest resize to the teacher's grid."""

    def __init__(self, student_shape, teacher_shape):
        super().__init__()
        self.student_tokens = len(student_shape) == 2
        self.teacher_tokens = len(teacher_shape) == 2
        s_channels, s_size = (student_shape[1], grid(student_shape[0])) if self.student_tokens else (student_shape[0], student_shape[1])
        t_channels, t_size = (teacher_shape[1], grid(teacher_shape[0])) if self.teacher_tokens else (teacher_shape[0], teacher_shape[1])
        self.s_size, self.t_size = s_size, t_size
        if self.student_tokens and self.teacher_tokens:
            self.proj = nn.Linear(s_channels, t_channels)
        elif not self.student_tokens and self.teacher_tokens and s_size >= t_size:
            patch = s_size // t_size
            self.proj = nn.Conv2d(s_channels, t_channels, patch, stride=patch)
        else:
            self.proj = nn.Conv2d(s_channels, t_channels, 1)

    def forward(self, feature):
        if self.student_tokens:
            feature = feature[:, -self.s_size * self.s_size:]
            if isinstance(self.proj, nn.Linear):
                feature = self.proj(feature)
                if self.s_size == self.t_size:
                    return feature
            feature = feature.transpose(1, 2).reshape(feature.shape[0], -1, self.s_size, self.s_size)
            if isinstance(self.proj, nn.Linear):
                x = feature
            else:
                x = self.proj(feature)
        else:
            x = self.proj(feature)
        if x.shape[-1] != self.t_size:
            x = F.interpolate(x, size=(self.t_size, self.t_size), mode="nearest")
        return x.flatten(2).transpose(1, 2) if self.teacher_tokens else x


def grid(tokens):
    """The side of a token grid, with or without a class token."""
    side = int(round(tokens ** 0.5))
    return side if side * side == tokens else int(round((tokens - 1) ** 0.5))


def fitnet_loss(regressors, student_stages, teacher_stages):
    """Sum over the four stages of the mean squared error to the teacher's stage (patch tokens, class token dropped)."""
    loss = 0
    for regressor, student, teacher in zip(regressors, student_stages, teacher_stages):
        if teacher.dim() == 3:
            teacher = teacher[:, -regressor.t_size * regressor.t_size:]
        loss = loss + F.mse_loss(regressor(student), teacher)
    return loss


def logit_kd(student_logits, teacher_logits, temperature):
    """FofaDsl's LogitDistillationLoss: mean over samples of KL(teacher || student) at T, times T^2."""
    log_student = F.log_softmax(student_logits / temperature, 1)
    log_teacher = F.log_softmax(teacher_logits / temperature, 1)
    return (log_teacher.exp() * (log_teacher - log_student)).sum(1).mean() * temperature * temperature


def parameter_count(module):
    return sum(p.numel() for p in module.parameters())


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def info():
    print(f"python {sys.version.split()[0]}, torch {torch.__version__}, CUDA {torch.version.cuda}, "
          f"cuDNN {torch.backends.cudnn.version()}, cuda available {torch.cuda.is_available()}")
    if torch.cuda.is_available():
        properties = torch.cuda.get_device_properties(0)
        print(f"device 0: {properties.name}, {properties.total_memory / 2**30:.1f} GiB, "
              f"{properties.multi_processor_count} SMs, capability {properties.major}.{properties.minor}")
    return 0


def step(args):
    device = torch.device(args.device)
    if device.type == "cuda" and args.tf32 == "on":
        # As FofaDsl's DeviceSelection.ConfigureMath; "default" leaves PyTorch's own settings.
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    default_batch, channels, size, classes, make_teacher, make_student = PAIRS[args.pair]
    batch = args.batch or default_batch
    torch.manual_seed(0)
    teacher = make_teacher() if args.kind in ("kd", "fitnet") else None
    student = make_student()
    teacher_params = parameter_count(teacher) if teacher is not None else 0
    student_params = parameter_count(student)
    regressors = nn.ModuleList()
    if args.kind == "fitnet":
        with torch.no_grad():
            probe = torch.zeros(1, channels, size, size)
            shapes = [(tuple(s.shape[1:]), tuple(t.shape[1:])) for s, t in zip(student.forward_stages(probe)[1], teacher.forward_stages(probe)[1])]
        regressors = nn.ModuleList(FitNetRegressor(s, t) for s, t in shapes)
    student.to(device).train()
    regressors.to(device).train()
    if teacher is not None:
        teacher.to(device).eval().requires_grad_(False)
    optimizer = torch.optim.AdamW(list(student.parameters()) + list(regressors.parameters()), lr=1e-4)
    images = torch.randn(batch, channels, size, size, device=device)
    labels = torch.randint(0, classes, (batch,), device=device)

    def one():
        optimizer.zero_grad()
        logits, student_stages = student.forward_stages(images)
        loss = F.cross_entropy(logits, labels, label_smoothing=LABEL_SMOOTHING)
        if teacher is not None:
            with torch.no_grad():
                teacher_logits, teacher_stages = teacher.forward_stages(images)
            loss = loss + logit_kd(logits, teacher_logits, TEMPERATURE) if args.kind == "kd" else loss + fitnet_loss(regressors, student_stages, teacher_stages)
        loss.backward()
        optimizer.step()

    for _ in range(args.warmup):
        one()
    synchronize(device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    start = time.perf_counter()
    for _ in range(args.steps):
        one()
    synchronize(device)
    seconds = (time.perf_counter() - start) / args.steps
    allocated = reserved = 0.0
    if device.type == "cuda":
        allocated = torch.cuda.max_memory_allocated(device) / 2**20
        reserved = torch.cuda.max_memory_reserved(device) / 2**20
    print(f"{args.pair}, {args.kind}, batch {batch} at {size}px on {device}: {seconds * 1e3:.2f} ms/step, "
          f"{batch / seconds:.0f} images/s, allocator peak {allocated:.0f} MiB allocated / {reserved:.0f} MiB reserved")
    print(f"RESULT impl=pytorch pair={args.pair} kind={args.kind} batch={batch} warmup={args.warmup} steps={args.steps} "
          f"ms={seconds * 1e3:.3f} ips={batch / seconds:.1f} tf32={args.tf32} student_params={student_params} "
          f"teacher_params={teacher_params} trainable_params={student_params + parameter_count(regressors)} "
          f"allocated_mib={allocated:.0f} reserved_mib={reserved:.0f} "
          f"peak_rss_mib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    return 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info")
    step_parser = commands.add_parser("step")
    step_parser.add_argument("--pair", choices=sorted(PAIRS), required=True)
    step_parser.add_argument("--kind", choices=["supervised", "kd", "fitnet"], required=True)
    step_parser.add_argument("--threads", type=int, default=0)
    step_parser.add_argument("--device", default="cuda")
    step_parser.add_argument("--warmup", type=int, default=5)
    step_parser.add_argument("--steps", type=int, default=20)
    step_parser.add_argument("--batch", type=int, default=0)
    step_parser.add_argument("--tf32", choices=["on", "default"], default="on")
    args = parser.parse_args(argv)
    return info() if args.command == "info" else step(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
