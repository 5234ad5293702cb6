"""Stand-in for timm.models.resnet (timm v0.6.5, commit 2898cf6e) restricted to BasicBlock ResNets.

Same module / state_dict names as timm 0.6.5: conv1 (7x7/2, pad 3, no bias), bn1, act1, maxpool (3/2, pad 1),
layer1..layer4 (Sequential of BasicBlock: conv1 3x3/s, bn1, act1, conv2 3x3, bn2, act2 after the residual add,
downsample = Sequential(0: Conv 1x1/s no bias, 1: BatchNorm2d) when stride != 1 or channels change),
global_pool (adaptive average + flatten), fc.
Widths: stem and layer1 `width`, layers 2..4 2*width, 4*width, 8*width (timm: width 64); strides 1,2,2,2.

forward(x, requires_feat) / forward_features / stage_info follow OFA-KD's custom_forward/resnet.py
(also shipped in the PAT repository): feat = [layer1, layer2, layer3, layer4, pre-logits].
"""
import torch
from torch import nn
from torch.nn import functional as F


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.drop_block = nn.Identity()
        self.act1 = nn.ReLU(inplace=True)
        self.aa = nn.Identity()
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.se = None
        self.act2 = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride
        self.drop_path = None

    def zero_init_last(self):
        nn.init.zeros_(self.bn2.weight)

    def forward(self, x):
        shortcut = x
        x = self.conv1(x)
        x = self.bn1(x)
        x = self.drop_block(x)
        x = self.act1(x)
        x = self.aa(x)
        x = self.conv2(x)
        x = self.bn2(x)
        if self.downsample is not None:
            shortcut = self.downsample(shortcut)
        x += shortcut
        x = self.act2(x)
        return x


class SelectAdaptivePool2d(nn.Module):
    """timm SelectAdaptivePool2d(pool_type='avg', flatten=True) (no parameters)."""

    def __init__(self):
        super().__init__()
        self.pool_type = 'avg'
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)

    def forward(self, x):
        return self.flatten(self.pool(x))


class ResNet(nn.Module):
    def __init__(self, layers=(1, 1, 1, 1), num_classes=1000, in_chans=3, width=64, img_size=224,
                 drop_rate=0.0, zero_init_last=True):
        super().__init__()
        self.num_classes = num_classes
        self.drop_rate = drop_rate
        inplanes = width
        self.conv1 = nn.Conv2d(in_chans, inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.act1 = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        channels = [width, 2 * width, 4 * width, 8 * width]
        self._stage_shapes = []
        size = (img_size + 2 * 3 - 7) // 2 + 1
        size = (size + 2 - 3) // 2 + 1
        for stage_idx, (planes, num_blocks) in enumerate(zip(channels, layers)):
            stride = 1 if stage_idx == 0 else 2
            downsample = None
            if stride != 1 or inplanes != planes:
                downsample = nn.Sequential(
                    nn.Conv2d(inplanes, planes, 1, stride=stride, padding=0, bias=False),
                    nn.BatchNorm2d(planes))
            blocks = []
            for block_idx in range(num_blocks):
                blocks.append(BasicBlock(inplanes, planes, stride if block_idx == 0 else 1,
                                         downsample if block_idx == 0 else None))
                inplanes = planes
            self.add_module(f'layer{stage_idx + 1}', nn.Sequential(*blocks))
            size = (size + 2 - 3) // stride + 1
            self._stage_shapes.append((planes, size, size))
        self.num_features = 8 * width
        self.global_pool = SelectAdaptivePool2d()
        self.fc = nn.Linear(self.num_features, num_classes, bias=True)
        self.init_weights(zero_init_last=zero_init_last)

    def init_weights(self, zero_init_last=True):
        # timm 0.6.5 ResNet.init_weights; fc keeps torch's default nn.Linear init.
        for n, m in self.named_modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        if zero_init_last:
            for m in self.modules():
                if hasattr(m, 'zero_init_last'):
                    m.zero_init_last()

    # --- timm 0.6.5 ---
    def forward_head(self, x, pre_logits: bool = False):
        x = self.global_pool(x)
        if self.drop_rate:
            x = F.dropout(x, p=float(self.drop_rate), training=self.training)
        return x if pre_logits else self.fc(x)

    # --- OFA-KD / PAT custom_forward/resnet.py ---
    def forward_features(self, x, requires_feat=False):
        feat = []
        x = self.conv1(x)
        x = self.bn1(x)
        x = self.act1(x)
        x = self.maxpool(x)
        x = self.layer1(x)
        feat.append(x)
        x = self.layer2(x)
        feat.append(x)
        x = self.layer3(x)
        feat.append(x)
        x = self.layer4(x)
        feat.append(x)
        return (x, feat) if requires_feat else x

    def forward(self, x, requires_feat=False):
        if requires_feat:
            x, feat = self.forward_features(x, requires_feat=True)
            x = self.forward_head(x, pre_logits=True)
            feat.append(x)
            x = self.fc(x)
            return x, feat
        x = self.forward_features(x, requires_feat=False)
        return self.forward_head(x)

    def stage_info(self, stage):
        if 1 <= stage <= 4:
            return stage - 1, self._stage_shapes[stage - 1]
        if stage == -1:
            return -1, self.num_features
        raise RuntimeError(f'Stage {stage} out of range (1-4)')
