"""Stand-in for timm.models.vision_transformer (timm v0.6.5, commit 2898cf6e).

Block / Attention / Mlp / VisionTransformer with the same module and state_dict names as timm 0.6.5
(global_pool='token', class_token=True, no_embed_class=False, fc_norm=None -> Identity,
init_values=None -> ls1/ls2 Identity, drop_path 0 -> Identity, LayerNorm eps 1e-6, exact GELU).

forward(x, requires_feat) / forward_features(x, requires_feat) follow OFA-KD's
custom_forward/vision_transformer.py (which the PAT repository's custom_forward/__init__.py imports
but does not ship): feat = [output of every block (before the final norm)..., pre-logits].
stage_info(stage) returns block index stage_blocks[stage-1] (depth 4 -> 0,1,2,3).
"""
import math
from functools import partial

import torch
from torch import nn

from .layers import PatchEmbed, trunc_normal_


class Attention(nn.Module):
    def __init__(self, dim, num_heads=8, qkv_bias=False, attn_drop=0., proj_drop=0.):
        super().__init__()
        assert dim % num_heads == 0, 'dim should be divisible by num_heads'
        self.num_heads = num_heads
        head_dim = dim // num_heads
        self.scale = head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        attn = self.attn_drop(attn)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        x = self.proj(x)
        x = self.proj_drop(x)
        return x


class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features=None, out_features=None, act_layer=nn.GELU, drop=0.):
        super().__init__()
        out_features = out_features or in_features
        hidden_features = hidden_features or in_features
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = act_layer()
        self.drop1 = nn.Dropout(drop)
        self.fc2 = nn.Linear(hidden_features, out_features)
        self.drop2 = nn.Dropout(drop)

    def forward(self, x):
        x = self.fc1(x)
        x = self.act(x)
        x = self.drop1(x)
        x = self.fc2(x)
        x = self.drop2(x)
        return x


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio=4., qkv_bias=False, drop=0., attn_drop=0., init_values=None,
                 drop_path=0., act_layer=nn.GELU, norm_layer=nn.LayerNorm):
        super().__init__()
        assert not init_values and drop_path == 0., "stand-in supports init_values=None, drop_path=0 only"
        self.norm1 = norm_layer(dim)
        self.attn = Attention(dim, num_heads=num_heads, qkv_bias=qkv_bias, attn_drop=attn_drop, proj_drop=drop)
        self.ls1 = nn.Identity()
        self.drop_path1 = nn.Identity()
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(in_features=dim, hidden_features=int(dim * mlp_ratio), act_layer=act_layer, drop=drop)
        self.ls2 = nn.Identity()
        self.drop_path2 = nn.Identity()

    def forward(self, x):
        x = x + self.drop_path1(self.ls1(self.attn(self.norm1(x))))
        x = x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))
        return x


def init_weights_vit_timm(module: nn.Module):
    """timm 0.6.5 init_weights_vit_timm: Linear -> trunc_normal(std .02), bias 0; others keep torch defaults."""
    if isinstance(module, nn.Linear):
        trunc_normal_(module.weight, std=.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)


class VisionTransformer(nn.Module):
    def __init__(self, img_size=224, patch_size=16, in_chans=3, num_classes=1000, global_pool='token',
                 embed_dim=768, depth=12, num_heads=12, mlp_ratio=4., qkv_bias=True, drop_rate=0.,
                 attn_drop_rate=0., stage_blocks=None):
        super().__init__()
        assert global_pool == 'token', "stand-in supports global_pool='token' only"
        norm_layer = partial(nn.LayerNorm, eps=1e-6)
        act_layer = nn.GELU
        self.num_classes = num_classes
        self.global_pool = global_pool
        self.num_features = self.embed_dim = embed_dim
        self.num_prefix_tokens = 1
        self.no_embed_class = False
        self.patch_embed = PatchEmbed(img_size=img_size, patch_size=patch_size, in_chans=in_chans, embed_dim=embed_dim)
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.randn(1, num_patches + 1, embed_dim) * .02)
        self.pos_drop = nn.Dropout(p=drop_rate)
        self.blocks = nn.Sequential(*[
            Block(dim=embed_dim, num_heads=num_heads, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias, drop=drop_rate,
                  attn_drop=attn_drop_rate, norm_layer=norm_layer, act_layer=act_layer)
            for _ in range(depth)])
        self.norm = norm_layer(embed_dim)
        self.fc_norm = nn.Identity()
        self.head = nn.Linear(self.embed_dim, num_classes) if num_classes > 0 else nn.Identity()
        if stage_blocks is None:
            per = depth // 4
            stage_blocks = [per * (i + 1) - 1 for i in range(4)]
        self.stage_blocks = list(stage_blocks)
        self.init_weights()

    def init_weights(self):
        # timm 0.6.5 VisionTransformer.init_weights(mode='')
        trunc_normal_(self.pos_embed, std=.02)
        nn.init.normal_(self.cls_token, std=1e-6)
        _named_apply(init_weights_vit_timm, self)

    def no_weight_decay(self):
        return {'pos_embed', 'cls_token', 'dist_token'}

    # --- timm 0.6.5 ---
    def forward_head(self, x, pre_logits: bool = False):
        x = x[:, 0]  # global_pool == 'token'
        x = self.fc_norm(x)
        return x if pre_logits else self.head(x)

    # --- OFA-KD custom_forward/vision_transformer.py ---
    def forward_features(self, x, requires_feat=False):
        feat = []
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        x = self.pos_drop(x + self.pos_embed)
        if requires_feat:
            for blk in self.blocks:
                x = blk(x)
                feat.append(x)
        else:
            x = self.blocks(x)
        x = self.norm(x)
        return (x, feat) if requires_feat else x

    def forward(self, x, requires_feat=False):
        if requires_feat:
            x, feat = self.forward_features(x, requires_feat=True)
            x = self.forward_head(x, pre_logits=True)
            feat.append(x)
            x = self.head(x)
            return x, feat
        x = self.forward_features(x, requires_feat=False)
        return self.forward_head(x)

    def stage_info(self, stage):
        shape = (self.patch_embed.num_patches + 1, self.embed_dim)
        if 1 <= stage <= 4:
            return self.stage_blocks[stage - 1], shape
        if stage == -1:
            return -1, self.embed_dim
        raise RuntimeError(f'Stage {stage} out of range (1-4)')


def _named_apply(fn, module: nn.Module, depth_first=True, include_root=True):
    """timm.models.helpers.named_apply (depth first: children before the parent)."""
    if not depth_first and include_root:
        fn(module)
    for child in module.children():
        _named_apply(fn, child, depth_first=depth_first, include_root=True)
    if depth_first and include_root:
        fn(module)
    return module
