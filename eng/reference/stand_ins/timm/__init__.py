"""Minimal stand-in for the parts of timm 0.6.5 that PAT's distillers/pat.py and
distillers/utils.py import. Only what the reference-vector script needs is real
(PatchEmbed, _assert, trunc_normal_, the ViT and ResNet models); the other model
classes are empty placeholders so that PAT's isinstance() dispatch can be evaluated.

This is NOT timm. It mirrors timm v0.6.5 (commit 2898cf6e41357b6e79229547ad191ca74299f5d2)
module names, state_dict names and forward semantics for the configurations used here.
"""
from . import models  # noqa: F401  (pat.py refers to timm.models.<module>.<Class>)
