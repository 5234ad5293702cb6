"""Placeholder for timm.models.mlp_mixer: PAT imports these names and uses them only in isinstance()
checks (and in commented-out code). They are never instantiated by the reference script."""
from torch import nn


class MixerBlock(nn.Module):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("placeholder: MixerBlock is not part of the stand-in")


class MlpMixer(nn.Module):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("placeholder: MlpMixer is not part of the stand-in")
