using System.Text.Json;
using System.Text.RegularExpressions;
using FofaDsl.Backbones;
using FofaDsl.Weights;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

/// <summary>
/// One scenario of eng/reference/make-pat-vectors.sh: the authors' PAT distiller run for three training steps in
/// float64 (its settings, initial state, inputs, parameter groups and, per step, losses and fingerprints of every
/// gradient, parameter and buffer), and the translation of PAT's parameter names to FofaDsl's.
/// </summary>
internal sealed partial class PatReference : IDisposable
{
    private PatReference(string scenario, JsonDocument document, Dictionary<string, Tensor> tensors)
    {
        Scenario = scenario;
        Document = document;
        Tensors = tensors;
    }

    public string Scenario { get; }

    public JsonDocument Document { get; }

    /// <summary><c>init.&lt;PAT name&gt;</c> for every parameter and buffer, <c>input.images</c>, <c>input.labels</c>.</summary>
    public Dictionary<string, Tensor> Tensors { get; }

    public JsonElement Root => Document.RootElement;

    public static PatReference Load(string scenario)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Methods", "Fofa", "Reference");
        var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, scenario + ".json")));
        var tensors = WeightFileReader.Read(Path.Combine(folder, scenario + ".safetensors"), WeightFileFormat.Safetensors);
        return new PatReference(scenario, document, tensors);
    }

    /// <summary>A stand-in model of the scenario's settings (<c>settings.teacher</c> or <c>settings.student</c>) as the FofaDsl backbone with the same layers.</summary>
    public StagedBackbone CreateModel(string role)
    {
        var settings = Root.GetProperty("settings");
        var model = settings.GetProperty(role);
        var classes = settings.GetProperty("numClasses").GetInt32();
        var size = settings.GetProperty("imageShape")[1].GetInt32();
        return model.GetProperty("kind").GetString() switch
        {
            "resnet" => new ResNet(new ResNetOptions
            {
                NumClasses = classes, ImageSize = size, InputChannels = 3, Stem = ResNetStem.ImageNet,
                BaseWidth = model.GetProperty("width").GetInt32(),
                BlocksPerStage = model.GetProperty("layers").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            }),
            "vit" => new VisionTransformer(new VisionTransformerOptions
            {
                NumClasses = classes, ImageSize = size, InputChannels = 3,
                PatchSize = model.GetProperty("patch").GetInt32(),
                EmbedDim = model.GetProperty("dim").GetInt32(),
                Depth = model.GetProperty("depth").GetInt32(),
                Heads = model.GetProperty("heads").GetInt32(),
                // The stand-in taps one block per stage, as OFA-KD's stage_info does for a depth-4 model.
                StageEnds = [0, 1, 2, 3],
            }),
            var kind => throw new NotSupportedException($"Model kind {kind}"),
        };
    }

    /// <summary>
    /// The FofaDsl name (<c>student.</c>, <c>teacher.</c> or <c>fofa.</c> and the module's own path) of PAT's
    /// <paramref name="patName"/>; the student and teacher use timm's names on both sides.
    /// </summary>
    public static string ToFofaDsl(string patName)
    {
        if (patName.StartsWith("student.", StringComparison.Ordinal) || patName.StartsWith("teacher.", StringComparison.Ordinal)) return patName;
        var name = patName;
        name = Replace(name, @"^attention_blending\.projector_s\.(\d)\.projector\.proj\.", "region_attention.projectors.$1.proj.");
        name = Replace(name, @"^attention_blending\.(norm|to_q|to_kv)\.", "region_attention.$1.");
        name = Replace(name, @"^aligners\.(\d)\.conv\.0\.", "aligners.$1.bn.");
        name = Replace(name, @"^aligners\.(\d)\.conv\.1\.", "aligners.$1.conv.");
        name = Replace(name, @"^aligners\.(\d)\.mlp_d\.0\.", "aligners.$1.token_norm.");
        name = Replace(name, @"^aligners\.(\d)\.mlp_d\.1\.", "aligners.$1.to_teacher_width.");
        name = Replace(name, @"^aligners\.(\d)\.mlp_l\.0\.", "aligners.$1.channel_norm.");
        name = Replace(name, @"^aligners\.(\d)\.mlp_l\.1\.", "aligners.$1.to_teacher_tokens.");
        var prompt = PromptName().Match(name);
        if (prompt.Success)
        {
            // PAT numbers its prompt blocks from 0, FofaDsl by the teacher stage they precede (1..4).
            var stage = int.Parse(prompt.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1;
            var rest = prompt.Groups[2].Value;
            rest = Replace(rest, @"^fusion_block\.0\.", "fusion_block.reduce.");
            rest = Replace(rest, @"^fusion_block\.1\.", "fusion_block.spatial.");
            rest = Replace(rest, @"^fusion_block\.2\.", "fusion_block.mix.");
            rest = Replace(rest, @"^fusion_block\.3\.", "fusion_block.se.");
            rest = Replace(rest, @"^fusion_block\.4\.", "fusion_block.expand.");
            rest = Replace(rest, @"^prompt_block\.0\.", "prompt_block.grouped_in.");
            rest = Replace(rest, @"^prompt_block\.1\.", "prompt_block.depthwise.");
            rest = Replace(rest, @"^prompt_block\.2\.", "prompt_block.pointwise.");
            rest = Replace(rest, @"^prompt_block\.3\.", "prompt_block.se.");
            rest = Replace(rest, @"^prompt_block\.4\.", "prompt_block.grouped_out.");
            rest = Replace(rest, @"^fb_aligner\.conv\.0\.", "fb_aligner.bn.");
            rest = Replace(rest, @"^fb_aligner\.conv\.1\.", "fb_aligner.conv.");
            name = $"prompt_blocks.{stage}.{rest}";
        }
        return "fofa." + name;
    }

    private static string Replace(string text, string pattern, string replacement) => Regex.Replace(text, pattern, replacement);

    [GeneratedRegex(@"^prompt_blocks\.(\d)\.(.*)$")]
    private static partial Regex PromptName();

    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
        Document.Dispose();
    }
}
