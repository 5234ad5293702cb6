#!/usr/bin/env python3
"""PyTorch eager counterpart of the .NET GPU bench (eng/gpu/GpuBench): the same teacher-student pairs and training steps,
FOFA's included, built here in plain torch (no timm), timed the same way; and a check that this FOFA step computes what
FofaDsl's computes, on the same weights.

    python3 eager_reference.py info
    python3 eager_reference.py step --pair quickstart|paper --kind supervised|kd|fitnet|fofa [--device cuda]
                                    [--warmup 5] [--steps 20] [--batch N] [--tf32 on|default] [--threads N]
                                    [--onednn on|off] [--recompute-teacher on|off]
    python3 eager_reference.py check-fofa --dir DIR [--threads N]

Pairs (architectures as FofaDsl builds them, timm/torchvision layouts and state-dict names):
  quickstart: ViT (patch 7, width 96, depth 6, 3 heads, class token) -> ResNet18 with the CIFAR stem
              (3x3 stride 1, no max-pool), width 8; 1x28x28 images, 10 classes, batch 128; FOFA with N = 64 queries,
              d = 128, 4 heads (examples/Quickstart).
  paper:      ConvNeXt-T (3-3-9-3, 96..768) -> DeiT-T (patch 16, width 192, depth 12, 3 heads);
              3x224x224 images, 10 classes, batch 64; FOFA with the paper's N = 64, d = 512, 8 heads (GpuBench/PaperPair).
  Both are cut into four stages where FofaDsl cuts them: a ViT of depth 12 after blocks 1, 3, 9, 11 (0-based; depth 6:
  0, 1, 4, 5), ResNet after layer1..layer4, ConvNeXt after stages 0..3.
Steps (--threads N sets torch's CPU threads):
  supervised: the student alone, cross-entropy with label smoothing 0.1.
  kd:         frozen teacher forward (eval, no grad) + student forward/backward, cross-entropy with
              label smoothing 0.1 plus KL(teacher || student) at temperature 1, as FofaDsl's logit KD.
  fitnet:     the same teacher pass, cross-entropy plus FitNet's hint loss on all four stages with FofaDsl's
              regressors (patch embedding, 1x1 convolution or linear, nearest resize).
  fofa:       FofaDsl's FOFA step (DistillationStep with KdTerm and FofaTerm; method spec ../shared/docs/fofa-method.md,
              reference-code quirks off): the plain teacher under no grad (logit KD, the prompt regularisation's target),
              the student, the teacher again with an adaptive feedback prompt before each stage (differentiable in the
              prompts), region-aware attention and aligners on the student's stages, HCL per stage, and each prompt's
              feedback kept for the next step; cross-entropy + KD + feature + prompt regularisation, all at weight 1.
              The prompted teacher's stages are checkpointed (torch.utils.checkpoint), as FofaDsl recomputes them by
              default; --recompute-teacher off keeps their activations.
--onednn off runs the convolutions on ATen's own kernels, as FofaDsl does on every CPU (RESULT impl=pytorch-onednn-off).
Each step: zero_grad, forward, backward, AdamW(lr 1e-4, PyTorch's defaults otherwise). Warm-up steps,
then one block of timed steps between two torch.cuda.synchronize() calls. The last line starting with
RESULT is what eng/gpu/run.sh and eng/bench/pytorch.sh read.
check-fofa: reads what `FofaDsl.GpuBench export-fofa --out DIR` wrote (the FOFA step's weights with TorchSharp's names,
  two batches, FofaDsl's loss terms and gradients of both steps), loads the weights into these modules, runs the same two
  steps (training mode, prompts' beta as exported, step 2 fusing step 1's feedback) and compares every loss term and the
  gradient of every trainable parameter. Exits 1 on a mismatch, 2 when the files do not fit these modules.
"""
import argparse
import json
import math
import os
import resource
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint

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


class StagedModel(nn.Module):
    """A classifier cut into a stem, four stages and a head, as FofaDsl's StagedBackbone: FitNet reads the stage outputs and
    FOFA puts a prompt before each stage's input, so every backbone here runs stage by stage."""

    def forward(self, images):
        return self.forward_stages(images)[0]

    def forward_stages(self, images):
        """Logits and the four stage outputs."""
        x, stages = self.forward_stem(images), []
        for stage in range(1, 5):
            x = self.forward_stage(stage, x)
            stages.append(x)
        return self.forward_head(x), stages


def default_stage_ends(depth):
    """FofaDsl's VisionTransformerOptions.DefaultStageEnds: the paper's 2/12, 4/12, 10/12 and 12/12 of the depth, rounded
    up (blocks 1, 3, 9, 11 at depth 12; 0, 1, 4, 5 at depth 6), pushed apart so that every stage holds a block."""
    ends = [-(-2 * depth // 12) - 1, -(-4 * depth // 12) - 1, -(-10 * depth // 12) - 1, depth - 1]
    for i in (2, 1, 0):
        ends[i] = min(ends[i], ends[i + 1] - 1)
    for i in (1, 2, 3):
        ends[i] = max(ends[i], ends[i - 1] + 1)
    return ends


class VisionTransformer(StagedModel):
    """timm's VisionTransformer with a class token, no distillation token, class-token pooling; stages end after the
    blocks of default_stage_ends (tokens with the class token first)."""

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
        self.stage_ends = default_stage_ends(depth)

    def forward_stem(self, images):
        x = self.patch_embed(images)
        return torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed

    def forward_stage(self, stage, x):
        first = 0 if stage == 1 else self.stage_ends[stage - 2] + 1
        for block in self.blocks[first:self.stage_ends[stage - 1] + 1]:
            x = block(x)
        return x

    def forward_head(self, x):
        return self.head(self.norm(x)[:, 0])


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


class ResNet18Cifar(StagedModel):
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

    def forward_stem(self, images):
        return F.relu(self.bn1(self.conv1(images)))

    def forward_stage(self, stage, x):
        return (self.layer1, self.layer2, self.layer3, self.layer4)[stage - 1](x)

    def forward_head(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


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


class ConvNeXtStage(nn.Module):
    """timm's ConvNeXtStage: an optional downsample (LayerNorm2d, 2x2 convolution with stride 2), then the blocks."""

    def __init__(self, inputs, dim, depth):
        super().__init__()
        self.downsample = nn.Sequential(LayerNorm2d(inputs), nn.Conv2d(inputs, dim, 2, 2)) if inputs != dim else None
        self.blocks = nn.Sequential(*[ConvNeXtBlock(dim) for _ in range(depth)])

    def forward(self, x):
        return self.blocks(x if self.downsample is None else self.downsample(x))


class ConvNeXtHead(nn.Module):
    def __init__(self, dim, classes):
        super().__init__()
        self.norm = LayerNorm2d(dim)
        self.fc = nn.Linear(dim, classes)

    def forward(self, x):
        return self.fc(self.norm(x.mean((2, 3), keepdim=True)).flatten(1))


class ConvNeXtTiny(StagedModel):
    """timm's convnext_tiny (depths 3-3-9-3, widths 96-192-384-768, layer scale 1e-6, no drop path), timm's names."""

    def __init__(self, channels, classes, depths=(3, 3, 9, 3), dims=(96, 192, 384, 768)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(channels, dims[0], 4, 4), LayerNorm2d(dims[0]))
        self.stages = nn.ModuleList(ConvNeXtStage(dims[max(index - 1, 0)], dim, depth)
                                    for index, (depth, dim) in enumerate(zip(depths, dims)))
        self.head = ConvNeXtHead(dims[-1], classes)

    def forward_stem(self, images):
        return self.stem(images)

    def forward_stage(self, stage, x):
        return self.stages[stage - 1](x)

    def forward_head(self, x):
        return self.head(x)


class FofaSettings:
    """A pair's FOFA declaration (its generated CreateFofaOptions and CreateLossWeights): RAA queries N, token width d and
    heads, prompts before all four teacher stages with feedback, every loss weight 1, temperature 1."""

    def __init__(self, queries, width, heads):
        self.queries, self.width, self.heads = queries, width, heads
        self.prompt_stages = [1, 2, 3, 4]
        self.feature_weight = self.prompt_weight = self.kd_weight = 1.0


PAIRS = {
    # name: (batch, channels, image size, classes, teacher factory, student factory, FOFA settings)
    "quickstart": (128, 1, 28, 10,
                   lambda: VisionTransformer(1, 28, patch=7, dim=96, depth=6, heads=3, classes=10),
                   lambda: ResNet18Cifar(1, width=8, classes=10),
                   FofaSettings(queries=64, width=128, heads=4)),
    "paper": (64, 3, 224, 10,
              lambda: ConvNeXtTiny(3, classes=10),
              lambda: VisionTransformer(3, 224, patch=16, dim=192, depth=12, heads=3, classes=10),
              FofaSettings(queries=64, width=512, heads=8)),
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


# ----------------------------------------------------------------------------------------------------------------------
# FOFA, as FofaDsl computes it (src/FofaDsl/Methods/Fofa; method spec ../shared/docs/fofa-method.md). Module and attribute
# names are FofaDsl's TorchSharp field names, so that check-fofa can load an exported state dict key for key.
# ----------------------------------------------------------------------------------------------------------------------

class Geometry:
    """One stage output without the batch dimension (FofaDsl's StageGeometry): a spatial map [C, H, W], or tokens whose
    H x W patch tokens follow a class token when class_token is set."""

    def __init__(self, tokens, channels, height, width, class_token=False):
        self.tokens, self.channels, self.height, self.width, self.class_token = tokens, channels, height, width, class_token

    @staticmethod
    def of(x):
        """The geometry of a stage tensor: [B, C, H, W], or [B, L, D] with L a square, or a square plus a class token."""
        if x.dim() == 4:
            return Geometry(False, x.shape[1], x.shape[2], x.shape[3])
        side = grid(x.shape[1])
        return Geometry(True, x.shape[2], side, side, class_token=side * side != x.shape[1])

    def same_map(self, other):
        return (self.channels, self.height, self.width) == (other.channels, other.height, other.width)


def stage_geometries(model, channels, size):
    """The stem's and the four stages' geometries, from one image through the model (as FofaDsl's are declared)."""
    with torch.no_grad():
        x = model.forward_stem(torch.zeros(1, channels, size, size))
        stem, stages = Geometry.of(x), []
        for stage in range(1, 5):
            x = model.forward_stage(stage, x)
            stages.append(Geometry.of(x))
    return stem, stages


def to_spatial(x, geometry):
    """StageTensors.ToSpatial: a spatial stage passes; tokens lose their class token (the FIRST token) and become
    [B, D, H, W] (transpose, then reshape)."""
    if not geometry.tokens:
        return x
    patches = x[:, 1:] if geometry.class_token else x
    return patches.transpose(1, 2).reshape(x.shape[0], geometry.channels, geometry.height, geometry.width)


def to_tokens(spatial):
    """StageTensors.SpatialToTokens: [B, D, H, W] to patch tokens [B, H*W, D]."""
    return spatial.flatten(2).transpose(1, 2)


def kaiming_conv(conv):
    """FofaInit.Conv: Kaiming-normal (fan-out, ReLU gain) weights, zero bias."""
    nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
    if conv.bias is not None:
        nn.init.zeros_(conv.bias)
    return conv


def trunc_normal_linear(linear):
    """FofaInit.Linear: truncated-normal weights (std 0.02), zero bias."""
    nn.init.trunc_normal_(linear.weight, std=0.02)
    nn.init.zeros_(linear.bias)
    return linear


def sinusoidal_position_code(positions, dim):
    """SinusoidalPositionCode: row p holds sin(p w_i) in column 2i and cos(p w_i) in 2i + 1, w_i = 10000^(-2i/d), computed
    in double precision and rounded to float32 as FofaDsl does (a float64 run casts that float32 table, on both sides)."""
    rows = []
    for p in range(positions):
        row = []
        for column in range(dim):
            angle = p * math.exp((column - column % 2) * -(math.log(10000.0) / dim))
            row.append(math.sin(angle) if column % 2 == 0 else math.cos(angle))
        rows.append(row)
    return torch.tensor(rows, dtype=torch.float64).float()


class StagePatchEmbedding(nn.Module):
    """Spec section 3: one student stage to a g x g grid of d-wide tokens: patch p = ceil(H / g), nearest upsampling to
    p * g when the map is smaller, then a p x p convolution with stride p; [B, g*g, d]."""

    def __init__(self, geometry, grid_size, dim):
        super().__init__()
        self.geometry = geometry
        patch = (-(-geometry.height // grid_size), -(-geometry.width // grid_size))
        self.padded = (patch[0] * grid_size, patch[1] * grid_size)
        self.proj = kaiming_conv(nn.Conv2d(geometry.channels, dim, patch, stride=patch))

    def forward(self, x):
        x = to_spatial(x, self.geometry)
        if x.shape[2] < self.padded[0] or x.shape[3] < self.padded[1]:
            x = F.interpolate(x, size=self.padded, mode="nearest")
        return self.proj(x).flatten(2).transpose(1, 2)


class RegionAwareAttention(nn.Module):
    """Spec section 3, Eq. 3-4: the N = 4 g^2 tokens of the student's four stages attend to each other in one multi-head
    layer (shared LayerNorm, Q and KV projections, the fixed sinusoidal code added to Q and K only, no output projection,
    no residual); the result is split back into one [B, g*g, d] block per stage."""

    def __init__(self, student_geometries, settings):
        super().__init__()
        grid_size = math.isqrt(settings.queries // 4)
        self.dim, self.heads, self.per_stage = settings.width, settings.heads, grid_size * grid_size
        self.projectors = nn.ModuleList(StagePatchEmbedding(g, grid_size, settings.width) for g in student_geometries)
        self.norm = nn.LayerNorm(settings.width)  # TorchSharp's default eps, 1e-5
        self.to_q = trunc_normal_linear(nn.Linear(settings.width, settings.width))
        self.to_kv = trunc_normal_linear(nn.Linear(settings.width, 2 * settings.width))
        # Not in FofaDsl's state dict either (a non-persistent buffer there too).
        self.register_buffer("position_code", sinusoidal_position_code(settings.queries, settings.width), persistent=False)

    def forward(self, student_stages):
        tokens = torch.cat([projector(x) for projector, x in zip(self.projectors, student_stages)], 1)  # stage-major
        normed = self.norm(tokens)
        q = self.to_q(normed) + self.position_code
        k, v = self.to_kv(normed).chunk(2, -1)
        k = k + self.position_code
        batch, count = tokens.shape[0], tokens.shape[1]
        split = lambda x: x.reshape(batch, count, self.heads, self.dim // self.heads).transpose(1, 2)
        attended = attention(split(q), split(k), split(v)).transpose(1, 2).reshape(batch, count, self.dim)
        return attended.split(self.per_stage, 1)


class SpatialStageAligner(nn.Module):
    """Align_i for a spatial teacher stage: [B, g*g, d] laid out as [B, d, g, g], nearest-upsampled to the teacher's H x W,
    BatchNorm2d(d), bias-free 1x1 convolution to the teacher's channels."""

    def __init__(self, grid_size, dim, teacher):
        super().__init__()
        self.grid_size, self.size = grid_size, (teacher.height, teacher.width)
        self.bn = nn.BatchNorm2d(dim)
        self.conv = kaiming_conv(nn.Conv2d(dim, teacher.channels, 1, bias=False))

    def forward(self, block):
        x = block.transpose(1, 2).reshape(block.shape[0], block.shape[2], self.grid_size, self.grid_size)
        return self.conv(self.bn(F.interpolate(x, size=self.size, mode="nearest")))


class TokenStageAligner(nn.Module):
    """Align_i for a token teacher stage: BatchNorm1d over the g*g tokens, Linear to the teacher's width, then (transposed)
    BatchNorm1d over that width and Linear from g*g to the teacher's patch tokens (its class token is not produced)."""

    def __init__(self, per_stage, dim, teacher):
        super().__init__()
        self.token_norm = nn.BatchNorm1d(per_stage)
        self.to_teacher_width = trunc_normal_linear(nn.Linear(dim, teacher.channels))
        self.channel_norm = nn.BatchNorm1d(teacher.channels)
        self.to_teacher_tokens = trunc_normal_linear(nn.Linear(per_stage, teacher.height * teacher.width))

    def forward(self, block):
        widened = self.to_teacher_width(self.token_norm(block))
        return self.to_teacher_tokens(self.channel_norm(widened.transpose(1, 2))).transpose(1, 2)


class SqueezeExcitation(nn.Module):
    """SE with r = 16: average pool, 1x1 convolution to max(1, C / r), ReLU, 1x1 back, sigmoid gate; x * gate (the
    standard SE: quirk 1 of the authors' code, the gate alone, is off in both pairs)."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        squeezed = max(1, channels // reduction)
        self.compress = nn.Conv2d(channels, squeezed, 1)
        self.excitation = nn.Conv2d(squeezed, channels, 1)

    def forward(self, x):
        return x * self.excitation(F.relu(self.compress(F.adaptive_avg_pool2d(x, 1)))).sigmoid()


def prompt_groups(channels):
    """PromptBlock.GroupsFor: the spec's 4 groups, else the largest divisor of the channels that is at most 4."""
    return next(groups for groups in (4, 3, 2, 1) if channels % groups == 0)


class PromptBlock(nn.Module):
    """P (Pro-tuning style): Conv1x1 (4 groups), depthwise Conv5x5, Conv1x1, SE, Conv1x1 (4 groups); no norm, no
    activation. PyTorch's default initialisation, as FofaDsl's (and the authors')."""

    def __init__(self, channels):
        super().__init__()
        groups = prompt_groups(channels)
        self.grouped_in = nn.Conv2d(channels, channels, 1, groups=groups)
        self.depthwise = nn.Conv2d(channels, channels, 5, padding=2, groups=channels)
        self.pointwise = nn.Conv2d(channels, channels, 1)
        self.se = SqueezeExcitation(channels)
        self.grouped_out = nn.Conv2d(channels, channels, 1, groups=groups)

    def forward(self, x):
        return self.grouped_out(self.se(self.pointwise(self.depthwise(self.grouped_in(x)))))


class FusionBlock(nn.Module):
    """F: Conv1x1(2C -> C) on the stage input concatenated with the aligned feedback, Conv5x5, Conv1x1, SE, Conv1x1."""

    def __init__(self, channels):
        super().__init__()
        self.reduce = nn.Conv2d(2 * channels, channels, 1)
        self.spatial = nn.Conv2d(channels, channels, 5, padding=2)
        self.mix = nn.Conv2d(channels, channels, 1)
        self.se = SqueezeExcitation(channels)
        self.expand = nn.Conv2d(channels, channels, 1)

    def forward(self, x, feedback):
        return self.expand(self.se(self.mix(self.spatial(self.reduce(torch.cat([x, feedback], 1))))))


class FeedbackAligner(nn.Module):
    """psi_i: the feedback (spatial form of stage i's output) to the spatial form of stage i's input; the identity when
    the two agree, else nearest resize, BatchNorm2d and a bias-free 1x1 convolution."""

    def __init__(self, stage_output, stage_input):
        super().__init__()
        self.size = (stage_input.height, stage_input.width)
        self.bn = self.conv = None
        if not stage_output.same_map(stage_input):
            self.bn = nn.BatchNorm2d(stage_output.channels)
            self.conv = kaiming_conv(nn.Conv2d(stage_output.channels, stage_input.channels, 1, bias=False))

    def forward(self, feedback):
        if self.conv is None:
            return feedback
        return self.conv(self.bn(F.interpolate(feedback, size=self.size, mode="nearest")))


class AdaptiveFeedbackPrompt(nn.Module):
    """Spec section 4, Eq. 5-6: x + beta * P(F(x, psi(delta))) before one teacher stage, delta the student's detached
    feedback from the PREVIOUS step; on the first step (no feedback yet) P acts on x directly. beta starts at 0. A token
    input is prompted as its [B, D, H, W] patch map and goes back to tokens, its class token passed through."""

    def __init__(self, stage_input, stage_output):
        super().__init__()
        self.stage_input = stage_input
        self.fb_aligner = FeedbackAligner(stage_output, stage_input)
        self.fusion_block = FusionBlock(stage_input.channels)
        self.prompt_block = PromptBlock(stage_input.channels)
        self.beta = nn.Parameter(torch.zeros(1))
        self.feedback = None  # a plain attribute, not a buffer: state from step to step, outside the state dict

    def forward(self, x):
        class_token = x[:, :1] if self.stage_input.tokens and self.stage_input.class_token else None
        spatial = to_spatial(x, self.stage_input)
        source = spatial
        if self.feedback is not None:
            if self.feedback.shape[0] != spatial.shape[0]:
                raise ValueError(f"feedback for a batch of {self.feedback.shape[0]}, but this batch has {spatial.shape[0]}")
            source = self.fusion_block(spatial, self.fb_aligner(self.feedback))
        prompted = spatial + self.beta * self.prompt_block(source)
        if not self.stage_input.tokens:
            return prompted
        tokens = to_tokens(prompted)
        return tokens if class_token is None else torch.cat([class_token, tokens], 1)


class FofaModules(nn.Module):
    """FOFA's own modules, FofaDsl's FofaModules: the region-aware attention over the student's stages, an aligner per
    teacher stage, and the prompts by the teacher stage they precede ("1".."4", as FofaDsl's state dict names them)."""

    def __init__(self, teacher_geometries, student_geometries, settings, recompute_teacher=True):
        super().__init__()
        # As FofaDsl's [Fofa(RecomputeTeacher)], on by default: the prompted teacher's stages are checkpointed.
        self.recompute_teacher = recompute_teacher
        teacher_stem, self.teacher_stages = teacher_geometries
        _, student_stages = student_geometries
        grid_size = math.isqrt(settings.queries // 4)
        self.region_attention = RegionAwareAttention(student_stages, settings)
        self.aligners = nn.ModuleList(
            TokenStageAligner(grid_size * grid_size, settings.width, t) if t.tokens else SpatialStageAligner(grid_size, settings.width, t)
            for t in self.teacher_stages)
        inputs = [teacher_stem] + self.teacher_stages[:3]
        self.prompt_blocks = nn.ModuleDict(
            {str(stage): AdaptiveFeedbackPrompt(inputs[stage - 1], self.teacher_stages[stage - 1]) for stage in settings.prompt_stages})

    def prompt_for(self, stage):
        return self.prompt_blocks[str(stage)] if str(stage) in self.prompt_blocks else None

    def forward_prompted_teacher(self, teacher, images):
        """The teacher with a prompt before each selected stage: logits and the four stage outputs, differentiable in the
        prompts (the teacher's own parameters are frozen)."""
        x, stages = teacher.forward_stem(images), []
        for stage in range(1, 5):
            prompt = self.prompt_for(stage)
            if prompt is not None:
                x = prompt(x)
            if self.recompute_teacher and x.requires_grad and torch.is_grad_enabled() and not teacher.training:
                # FofaDsl's RecomputedSegment: keep the stage's input, recompute its activations in the backward pass.
                x = torch.utils.checkpoint.checkpoint(teacher.forward_stage, stage, x, use_reentrant=False)
            else:
                x = teacher.forward_stage(stage, x)
            stages.append(x)
        return teacher.forward_head(x), stages

    def align_student(self, student_stages):
        """Student stages through the region-aware attention and the aligners, in the teacher stages' layouts."""
        return [aligner(block) for aligner, block in zip(self.aligners, self.region_attention(student_stages))]

    def reset_feedback(self):
        for prompt in self.prompt_blocks.values():
            prompt.feedback = None


def hierarchical_context_loss(a, b):
    """ReviewKD's HCL: mse of the maps plus, with halving weights, the mse of their 4x4, 2x2 and 1x1 adaptive-average
    pools (only levels smaller than the map), over the weights' sum."""
    loss, weight, total = F.mse_loss(a, b), 1.0, 1.0
    for level in (4, 2, 1):
        if level >= a.shape[2]:
            continue
        weight /= 2.0
        loss = loss + F.mse_loss(F.adaptive_avg_pool2d(a, level), F.adaptive_avg_pool2d(b, level)) * weight
        total += weight
    return loss / total


def fofa_terms(fofa, settings, teacher, images, plain_logits, student_stages):
    """FofaTerm.Compute: the weighted feature loss (HCL per stage between the aligned student and the PROMPTED teacher)
    and the prompt regularisation KL(plain || prompted); in training mode each prompt keeps (aligned - teacher).detach()
    of the stage it precedes for the next step."""
    prompted_logits, teacher_features = fofa.forward_prompted_teacher(teacher, images)
    prompt_regularisation = logit_kd(prompted_logits, plain_logits.detach(), 1.0) * settings.prompt_weight
    feature = 0
    for index, aligned in enumerate(fofa.align_student(student_stages)):
        geometry = fofa.teacher_stages[index]
        student_map = to_spatial(aligned, Geometry(geometry.tokens, geometry.channels, geometry.height, geometry.width))
        teacher_map = to_spatial(teacher_features[index], geometry)
        feature = feature + hierarchical_context_loss(student_map, teacher_map)
        prompt = fofa.prompt_for(index + 1)
        if prompt is not None and prompt.training:
            prompt.feedback = (student_map - teacher_map).detach()
    return {"feature": feature * settings.feature_weight, "prompt-reg": prompt_regularisation}


def fofa_step_terms(teacher, student, fofa, settings, images, labels):
    """The whole FOFA step's loss terms in FofaDsl's order (ce, kd, feature, prompt-reg): DistillationStep with KdTerm and
    FofaTerm. The plain teacher runs under no grad; its logits feed KD and the prompt regularisation's target."""
    with torch.no_grad():
        plain_logits, _ = teacher.forward_stages(images)
    logits, student_stages = student.forward_stages(images)
    terms = {"ce": F.cross_entropy(logits, labels, label_smoothing=LABEL_SMOOTHING),
             "kd": logit_kd(logits, plain_logits, TEMPERATURE) * settings.kd_weight}
    terms.update(fofa_terms(fofa, settings, teacher, images, plain_logits, student_stages))
    return terms


def build_fofa(teacher, student, channels, size, settings, recompute_teacher=True):
    return FofaModules(stage_geometries(teacher, channels, size), stage_geometries(student, channels, size), settings, recompute_teacher)


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
    # "off" runs PyTorch's convolutions on ATen's own kernels, as FofaDsl runs them on every CPU (oneDNN's are wrong on
    # some): the same algorithms on both sides, so what is left of a gap is not the convolution kernels.
    torch.backends.mkldnn.enabled = args.onednn == "on"
    impl = "pytorch" if args.onednn == "on" else "pytorch-onednn-off"
    default_batch, channels, size, classes, make_teacher, make_student, settings = PAIRS[args.pair]
    batch = args.batch or default_batch
    torch.manual_seed(0)
    teacher = make_teacher() if args.kind in ("kd", "fitnet", "fofa") else None
    student = make_student()
    teacher_params = parameter_count(teacher) if teacher is not None else 0
    student_params = parameter_count(student)
    # The distillation term's own trainable modules: FitNet's regressors or FOFA's attention, aligners and prompts.
    extra = nn.ModuleList()
    if args.kind == "fitnet":
        with torch.no_grad():
            probe = torch.zeros(1, channels, size, size)
            shapes = [(tuple(s.shape[1:]), tuple(t.shape[1:])) for s, t in zip(student.forward_stages(probe)[1], teacher.forward_stages(probe)[1])]
        extra = nn.ModuleList(FitNetRegressor(s, t) for s, t in shapes)
    elif args.kind == "fofa":
        extra = build_fofa(teacher, student, channels, size, settings, recompute_teacher=args.recompute_teacher == "on")
    student.to(device).train()
    extra.to(device).train()
    if teacher is not None:
        teacher.to(device).eval().requires_grad_(False)
    optimizer = torch.optim.AdamW(list(student.parameters()) + list(extra.parameters()), lr=1e-4)
    images = torch.randn(batch, channels, size, size, device=device)
    labels = torch.randint(0, classes, (batch,), device=device)

    def one():
        optimizer.zero_grad()
        if args.kind == "fofa":
            loss = sum(fofa_step_terms(teacher, student, extra, settings, images, labels).values())
        else:
            logits, student_stages = student.forward_stages(images)
            loss = F.cross_entropy(logits, labels, label_smoothing=LABEL_SMOOTHING)
            if teacher is not None:
                with torch.no_grad():
                    teacher_logits, teacher_stages = teacher.forward_stages(images)
                loss = loss + logit_kd(logits, teacher_logits, TEMPERATURE) if args.kind == "kd" else loss + fitnet_loss(extra, student_stages, teacher_stages)
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
    print(f"RESULT impl={impl} pair={args.pair} kind={args.kind} batch={batch} warmup={args.warmup} steps={args.steps} "
          f"ms={seconds * 1e3:.3f} ips={batch / seconds:.1f} tf32={args.tf32} student_params={student_params} "
          f"teacher_params={teacher_params} trainable_params={student_params + parameter_count(extra)} "
          f"allocated_mib={allocated:.0f} reserved_mib={reserved:.0f} "
          f"peak_rss_mib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    return 0


SAFETENSORS_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
                      "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8, "BOOL": torch.bool}


def read_safetensors(path):
    """Every tensor of a safetensors file (8-byte little-endian header length, JSON header, raw little-endian data); the
    format is small enough to read here, and Debian's Python has no safetensors package."""
    with open(path, "rb") as file:
        data = file.read()
    length = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + length])
    base, tensors = 8 + length, {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        dtype = SAFETENSORS_DTYPES[entry["dtype"]]
        raw = bytearray(data[base + start:base + end])
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(entry["shape"])
    return tensors


def load_exported(module, tensors, prefix):
    """Loads the exported tensors named prefix + key into module, key for key: FofaDsl's names are the ones used here, so
    the two key sets must be equal and every shape must agree; anything else is reported by name."""
    exported = {name[len(prefix):]: tensor for name, tensor in tensors.items() if name.startswith(prefix)}
    own = module.state_dict()
    missing = sorted(set(own) - set(exported))
    unexpected = sorted(set(exported) - set(own))
    shapes = sorted(k for k in set(own) & set(exported) if tuple(own[k].shape) != tuple(exported[k].shape))
    if missing or unexpected or shapes:
        raise ValueError(f"{prefix[:-1]}: names or shapes differ from FofaDsl's; missing {missing[:8]}, "
                         f"unexpected {unexpected[:8]}, shapes {[(k, tuple(own[k].shape), tuple(exported[k].shape)) for k in shapes[:8]]}")
    module.load_state_dict(exported, strict=True)
    return len(exported)


def check_settings(expected, settings):
    """The exported run must be the one these modules implement: the pair's N, d, heads, prompts on all four stages with
    feedback, RAA on, the reference-code quirks off, weights 1, temperature 1, smoothing 0.1, no feature warm-up."""
    options, weights = expected["options"], expected["weights"]
    wanted = {"Queries": settings.queries, "TokenWidth": settings.width, "Heads": settings.heads,
              "PromptStages": settings.prompt_stages, "UseRegionAwareAttention": True, "UsePrompts": True,
              "UseFeedback": True, "ReferenceCodeQuirks": False, "FeatureWeight": None, "FeatureWarmupEpochs": 0}
    wanted_weights = {"CrossEntropy": 1, "LogitKd": settings.kd_weight, "Feature": settings.feature_weight,
                      "PromptRegularisation": settings.prompt_weight, "Temperature": TEMPERATURE, "LabelSmoothing": LABEL_SMOOTHING}
    wrong = [f"{k} = {options.get(k)!r} (here {v!r})" for k, v in wanted.items() if options.get(k) != v]
    wrong += [f"{k} = {weights.get(k)!r} (here {v!r})" for k, v in wanted_weights.items() if weights.get(k) != v]
    if wrong:
        raise ValueError("the exported FOFA step is not the one built here: " + ", ".join(wrong))


# Gradients printed with their norms beside the summary of all of them (the first and last student parameters are added).
WATCHED = ["fofa.region_attention.projectors.0.proj.weight", "fofa.region_attention.to_q.weight",
           "fofa.aligners.3.to_teacher_width.bias", "fofa.aligners.3.conv.weight", "fofa.prompt_blocks.1.beta",
           "fofa.prompt_blocks.4.beta", "fofa.prompt_blocks.1.fusion_block.reduce.weight",
           "fofa.prompt_blocks.2.prompt_block.depthwise.weight", "fofa.prompt_blocks.4.fb_aligner.conv.weight"]
# Per dtype: the loss terms' relative tolerance, the gradients' and the floor. Each difference is measured against
# max(|FofaDsl's value|, floor * scale), scale being the step's total loss (for a term) or the norm of all its gradients
# together (for a gradient). A gradient that is zero in exact arithmetic is rounding noise on both sides, which no
# tolerance relative to itself would pass: TokenStageAligner.to_teacher_width.bias (its training-mode channel_norm
# cancels it) and, with a spatial teacher, all of region_attention.to_kv.bias (the value half reaches every position of
# a SpatialStageAligner's BatchNorm2d channel alike; the softmax ignores the key half whatever the teacher): 1e-17 to
# 1e-12 in float64, up to 6e-4 in float32 where all the gradients' norm is 174. Nor would a small KL that loses digits
# to cancellation (the prompt regularisation in float32). float64 is the check; float32 shows that the float32 steps
# agree as far as float32 can.
TOLERANCES = {torch.float64: (1e-9, 1e-7, 1e-6), torch.float32: (1e-4, 1e-3, 1e-2)}


def floored_relative(difference, value, scale, floor):
    return abs(difference) / max(abs(value), floor * scale, 1e-300)


def check_fofa(args):
    """Runs FofaDsl's exported FOFA step here on the same weights and inputs and compares the loss terms and gradients."""
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    with open(os.path.join(args.dir, "expected.json")) as file:
        expected = json.load(file)
    tensors = read_safetensors(os.path.join(args.dir, "weights.safetensors"))
    their_grads = read_safetensors(os.path.join(args.dir, "grads.safetensors"))
    _, channels, size, _, make_teacher, make_student, settings = PAIRS[expected["pair"]]
    dtype = {"float64": torch.float64, "float32": torch.float32}[expected["dtype"]]
    loss_tolerance, grad_tolerance, floor = TOLERANCES[dtype]
    try:
        check_settings(expected, settings)
        teacher, student = make_teacher(), make_student()
        fofa = build_fofa(teacher, student, channels, size, settings)
        # In the exported dtype before loading, so that float64 weights are not rounded through float32 parameters.
        loaded = 0
        for module, prefix in ((teacher, "teacher."), (student, "student."), (fofa, "fofa.")):
            module.to(dtype)
            loaded += load_exported(module, tensors, prefix)
    except ValueError as error:
        print(f"check-fofa: {error}")
        return 2
    teacher.eval().requires_grad_(False)
    student.train()
    fofa.train()
    trainable = [("student." + n, p) for n, p in student.named_parameters()] + [("fofa." + n, p) for n, p in fofa.named_parameters()]
    watched = WATCHED + [trainable[0][0], trainable[len(list(student.parameters())) - 1][0]]
    print(f"check-fofa: {expected['pair']}, batch {expected['batch']}, {expected['dtype']}, prompts' beta {expected['beta']}; "
          f"{loaded} tensors loaded by name; FofaDsl: TorchSharp {expected.get('torchsharp')} (libtorch {expected.get('libtorch')}), "
          f"here: torch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    print(f"tolerance: {loss_tolerance:g} relative for each loss term, {grad_tolerance:g} for each gradient tensor (2-norms); "
          f"relative to max(|FofaDsl's|, {floor:g} x the step's total loss, or the norm of all its gradients)")
    failures, term_rows, summary_rows, grad_rows = [], [], [], []
    for index, reference in enumerate(expected["steps"], start=1):
        for _, parameter in trainable:
            parameter.grad = None
        images, labels = tensors[f"input.step{index}.images"], tensors[f"input.step{index}.labels"]
        terms = fofa_step_terms(teacher, student, fofa, settings, images, labels)
        total = sum(terms.values())
        total.backward()
        ours = {name: value.item() for name, value in terms.items()}
        if list(ours) != list(reference["terms"]):
            failures.append(f"step {index}: terms {list(ours)} here, {list(reference['terms'])} in FofaDsl")
        rows = [(name, reference["terms"].get(name, float("nan")), ours.get(name, float("nan"))) for name in reference["terms"]]
        for name, theirs, mine in rows + [("total", reference["total"], total.item())]:
            error = floored_relative(mine - theirs, theirs, abs(reference["total"]), floor)
            if not error <= loss_tolerance:
                failures.append(f"step {index} {name}: {mine!r} here, {theirs!r} in FofaDsl")
            term_rows.append(f"| {index} | {name} | {theirs:.12g} | {mine:.12g} | {mine - theirs:.3g} | {error:.2g} |")

        prefix = f"step{index}."
        strangers = sorted(n[len(prefix):] for n in their_grads if n.startswith(prefix) and n[len(prefix):] not in dict(trainable))
        if strangers:
            failures.append(f"step {index}: FofaDsl has gradients of parameters unknown here: {strangers[:8]}")
        pairs = []
        for name, parameter in trainable:
            theirs = their_grads.get(prefix + name)
            if theirs is None and parameter.grad is None:
                continue  # in neither graph (the fusion blocks on step 1)
            theirs = torch.zeros_like(parameter) if theirs is None else theirs.to(parameter.dtype)
            pairs.append((name, parameter.grad if parameter.grad is not None else torch.zeros_like(parameter), theirs))
        everything = math.sqrt(sum(theirs.norm().item() ** 2 for _, _, theirs in pairs))
        worst = above = (0.0, "-")
        for name, mine, theirs in pairs:
            scale = theirs.norm().item()
            error = floored_relative((mine - theirs).norm().item(), scale, everything, floor)
            if not error <= grad_tolerance:
                failures.append(f"step {index} gradient of {name}: relative difference {error:.3g}")
            worst = max(worst, (error, name))
            if scale >= floor * everything:
                above = max(above, (error, name))
            if name in watched:
                grad_rows.append(f"| {index} | {name} | {scale:.10g} | {mine.norm().item():.10g} | {error:.2g} |")
        summary_rows.append(f"| {index} | {len(pairs)} | {everything:.6g} | {worst[0]:.2g} ({worst[1]}) | {above[0]:.2g} ({above[1]}) |")
    print()
    print("| step | term | FofaDsl | PyTorch | difference | relative |")
    print("|---|---|---:|---:|---:|---:|")
    print("\n".join(term_rows))
    print()
    print("| step | gradients compared | norm of all | largest relative difference | largest among those above the floor |")
    print("|---|---:|---:|---|---|")
    print("\n".join(summary_rows))
    print()
    print("| step | gradient norm of | FofaDsl | PyTorch | relative difference |")
    print("|---|---|---:|---:|---:|")
    print("\n".join(grad_rows))
    print()
    if failures:
        print(f"check-fofa: MISMATCH ({len(failures)}): " + "; ".join(failures[:10]))
        return 1
    print(f"check-fofa: ok, {expected['pair']}: PyTorch's FOFA step computes FofaDsl's (two steps, every loss term and gradient)")
    return 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info")
    step_parser = commands.add_parser("step")
    step_parser.add_argument("--pair", choices=sorted(PAIRS), required=True)
    step_parser.add_argument("--kind", choices=["supervised", "kd", "fitnet", "fofa"], required=True)
    step_parser.add_argument("--threads", type=int, default=0)
    step_parser.add_argument("--device", default="cuda")
    step_parser.add_argument("--warmup", type=int, default=5)
    step_parser.add_argument("--steps", type=int, default=20)
    step_parser.add_argument("--batch", type=int, default=0)
    step_parser.add_argument("--tf32", choices=["on", "default"], default="on")
    step_parser.add_argument("--onednn", choices=["on", "off"], default="on")
    step_parser.add_argument("--recompute-teacher", choices=["on", "off"], default="on")
    check_parser = commands.add_parser("check-fofa")
    check_parser.add_argument("--dir", required=True, help="the folder FofaDsl.GpuBench export-fofa --out wrote")
    check_parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    return {"info": info, "step": step, "check-fofa": check_fofa}[args.command](*(() if args.command == "info" else (args,)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
