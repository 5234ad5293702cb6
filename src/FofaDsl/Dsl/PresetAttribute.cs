namespace FofaDsl;

/// <summary>
/// What an <see cref="Architecture"/> member stands for, in the one place both sides read it: the backbone type, the
/// static factory of its options that builds the preset, the preset's timm name, its size knobs' values and the knobs a
/// declaration may override. The source generator reads it to compute stage shapes and to write the model factory;
/// <see cref="Backbones.ModelZoo"/> reads it to list and build the presets.
/// </summary>
/// <param name="backbone">The <see cref="Backbones.StagedBackbone"/> type, e.g. <c>typeof(VisionTransformer)</c>.</param>
/// <param name="optionsFactory">The static method of the backbone's options type that builds the preset, taking
/// <c>numClasses</c>, <c>imageSize</c> and <c>inputChannels</c> (others keep their defaults), e.g. <c>nameof(VisionTransformerOptions.DeiTTiny)</c>.</param>
/// <param name="timmName">The timm model name, by which <see cref="Backbones.ModelZoo.Create(string, int, int, int)"/> builds it and its checkpoints are published.</param>
[AttributeUsage(AttributeTargets.Field)]
public sealed class PresetAttribute(Type backbone, string optionsFactory, string timmName) : Attribute
{
    /// <summary>The backbone type.</summary>
    public Type Backbone { get; } = backbone;

    /// <summary>The options factory's name on the backbone's options type (<c>&lt;Backbone&gt;Options</c>).</summary>
    public string OptionsFactory { get; } = optionsFactory;

    /// <summary>The timm model name.</summary>
    public string TimmName { get; } = timmName;

    /// <summary>The preset's base width (ResNet, ConvNeXt); 0 where it has none.</summary>
    public int BaseWidth { get; set; }

    /// <summary>The preset's patch size (transformers and MLPs); 0 where it has none.</summary>
    public int PatchSize { get; set; }

    /// <summary>The preset's token width; 0 where it has none.</summary>
    public int EmbedDim { get; set; }

    /// <summary>The preset's number of blocks; 0 where it is not a knob.</summary>
    public int Depth { get; set; }

    /// <summary>The preset's attention heads; 0 where they are not a knob.</summary>
    public int Heads { get; set; }

    /// <summary>The preset's attention window (Swin); 0 where it has none.</summary>
    public int WindowSize { get; set; }

    /// <summary>The <see cref="ModelAttribute"/> knobs a declaration may set for this preset, by property name.</summary>
    public string[] Knobs { get; set; } = [];
}
