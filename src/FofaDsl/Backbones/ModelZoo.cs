using System.Reflection;

namespace FofaDsl.Backbones;

/// <summary>
/// The paper's architectures by their timm names, so a user can build one (and load its PyTorch
/// weights by name) with one call: <c>ModelZoo.Create("deit_tiny_patch16_224", numClasses: 100)</c>.
/// The presets are the <see cref="Architecture"/> members' <see cref="PresetAttribute"/>s, the list the generator reads too.
/// </summary>
public static class ModelZoo
{
    /// <summary>A named preset: its timm name, its <see cref="Architecture"/> member and a factory taking the class count, image size and input channels.</summary>
    public sealed record Preset(string Name, Architecture Architecture, Func<int, int, int, StagedBackbone> Create);

    /// <summary>Every preset, in the order of the <see cref="Architecture"/> members (obsolete aliases left out).</summary>
    public static IReadOnlyList<Preset> Presets { get; } = typeof(Architecture).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.GetCustomAttribute<ObsoleteAttribute>() is null)
        .Select(field => (Member: (Architecture)field.GetValue(null)!, Preset: field.GetCustomAttribute<PresetAttribute>()))
        .Where(p => p.Preset is not null)
        .Select(p => new Preset(p.Preset!.TimmName, p.Member, (classes, size, channels) => Build(p.Preset, classes, size, channels)))
        .ToList();

    /// <summary>Builds preset <paramref name="name"/>; an unknown name lists the known ones.</summary>
    public static StagedBackbone Create(string name, int numClasses = 1000, int imageSize = 224, int inputChannels = 3)
    {
        var preset = Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown model '{name}'. Known: {string.Join(", ", Presets.Select(p => p.Name))}.", nameof(name));
        return preset.Create(numClasses, imageSize, inputChannels);
    }

    /// <summary>Builds the preset <paramref name="architecture"/> stands for.</summary>
    public static StagedBackbone Create(Architecture architecture, int numClasses = 1000, int imageSize = 224, int inputChannels = 3) =>
        Build(PresetOf(architecture), numClasses, imageSize, inputChannels);

    /// <summary>The <see cref="PresetAttribute"/> of <paramref name="architecture"/>.</summary>
    public static PresetAttribute PresetOf(Architecture architecture) =>
        typeof(Architecture).GetField(architecture.ToString())?.GetCustomAttribute<PresetAttribute>()
        ?? throw new ArgumentException($"{architecture} is not an architecture with a preset.", nameof(architecture));

    /// <summary>
    /// The options the preset's factory builds (<c>&lt;Backbone&gt;Options.&lt;OptionsFactory&gt;</c>, with the class count, image
    /// size and channels and every other parameter at its default), e.g. <c>VisionTransformerOptions.DeiTTiny(10, 28, 1)</c>.
    /// </summary>
    public static object OptionsOf(PresetAttribute preset, int numClasses, int imageSize, int inputChannels)
    {
        ArgumentNullException.ThrowIfNull(preset);
        var optionsType = preset.Backbone.Assembly.GetType(preset.Backbone.FullName + "Options")
            ?? throw new InvalidOperationException($"{preset.Backbone.Name} has no {preset.Backbone.Name}Options type.");
        var factory = optionsType.GetMethod(preset.OptionsFactory, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{optionsType.Name} has no static {preset.OptionsFactory}.");
        var arguments = factory.GetParameters().Select(parameter => parameter.Name switch
        {
            "numClasses" => numClasses,
            "imageSize" => imageSize,
            "inputChannels" => inputChannels,
            _ => parameter.DefaultValue,
        }).ToArray();
        return factory.Invoke(null, arguments)!;
    }

    private static StagedBackbone Build(PresetAttribute preset, int numClasses, int imageSize, int inputChannels) =>
        (StagedBackbone)Activator.CreateInstance(preset.Backbone, OptionsOf(preset, numClasses, imageSize, inputChannels))!;
}
