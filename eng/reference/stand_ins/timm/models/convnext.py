"""Placeholder for timm.models.convnext: PAT imports these names and uses them only in isinstance()
checks (and in commented-out code). They are never instantiated by the reference script."""
from torch import nn


class ConvNeXtBlock(nn.Module):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("placeholder: ConvNeXtBlock is not part of the stand-in")


class ConvNeXt(nn.Module):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("placeholder: ConvNeXt is not part of the stand-in")
