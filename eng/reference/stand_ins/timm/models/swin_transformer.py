"""Placeholder for timm.models.swin_transformer: PAT imports these names and uses them only in isinstance()
checks (and in commented-out code). They are never instantiated by the reference script."""
from torch import nn


class SwinTransformerBlock(nn.Module):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("placeholder: SwinTransformerBlock is not part of the stand-in")


class SwinTransformer(nn.Module):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("placeholder: SwinTransformer is not part of the stand-in")
