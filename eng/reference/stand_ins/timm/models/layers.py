"""Stand-in for timm.models.layers (timm v0.6.5): PatchEmbed, _assert, trunc_normal_."""
import torch
from torch import nn

try:  # timm/models/layers/trace_utils.py
    from torch import _assert
except ImportError:  # pragma: no cover
    def _assert(condition: bool, message: str):
        assert condition, message

# timm/models/layers/weight_init.py trunc_normal_ is the same algorithm as torch.nn.init.trunc_normal_
# (uniform in [2l-1, 2u-1], erfinv, scale by std*sqrt(2), add mean, clamp to [a, b]).
trunc_normal_ = torch.nn.init.trunc_normal_


def to_2tuple(x):
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x, x)


class PatchEmbed(nn.Module):
    """timm/models/layers/patch_embed.py (v0.6.5): Conv2d(kernel=stride=patch), flatten to [B, L, D], norm Identity."""

    def __init__(self, img_size=224, patch_size=16, in_chans=3, embed_dim=768, norm_layer=None, flatten=True):
        super().__init__()
        img_size = to_2tuple(img_size)
        patch_size = to_2tuple(patch_size)
        self.img_size = img_size
        self.patch_size = patch_size
        self.grid_size = (img_size[0] // patch_size[0], img_size[1] // patch_size[1])
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        self.flatten = flatten
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
        self.norm = norm_layer(embed_dim) if norm_layer else nn.Identity()

    def forward(self, x):
        B, C, H, W = x.shape
        _assert(H == self.img_size[0], f"Input image height ({H}) doesn't match model ({self.img_size[0]}).")
        _assert(W == self.img_size[1], f"Input image width ({W}) doesn't match model ({self.img_size[1]}).")
        x = self.proj(x)
        if self.flatten:
            x = x.flatten(2).transpose(1, 2)  # BCHW -> BNC
        x = self.norm(x)
        return x
