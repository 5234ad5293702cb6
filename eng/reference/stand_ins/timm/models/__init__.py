from . import layers  # noqa: F401
from . import vision_transformer  # noqa: F401
from . import swin_transformer  # noqa: F401
from . import mlp_mixer  # noqa: F401
from . import convnext  # noqa: F401
from . import resnet  # noqa: F401
