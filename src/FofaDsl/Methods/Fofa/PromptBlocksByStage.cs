using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// The adaptive feedback prompts by the teacher stage they precede, registered under the stage number (<c>1</c>..<c>4</c>),
/// so a state dict names them <c>prompt_blocks.2.beta</c> whichever stages have one.
/// </summary>
/// <remarks>
/// TorchSharp's <c>ModuleDict</c> cannot be converted with <c>to(dtype)</c> or <c>to(device)</c> in 0.107 (its
/// field scan meets two members of the same name and throws), which would stop FOFA on a GPU or in float64.
/// </remarks>
internal sealed class PromptBlocksByStage : nn.Module
{
    private readonly Dictionary<int, AdaptiveFeedbackPrompt> byStage = [];

    public PromptBlocksByStage() : base(nameof(PromptBlocksByStage)) { }

    /// <summary>Adds <paramref name="prompt"/> before teacher stage <paramref name="stage"/>.</summary>
    public void Add(int stage, AdaptiveFeedbackPrompt prompt)
    {
        byStage.Add(stage, prompt);
        register_module(stage.ToString(System.Globalization.CultureInfo.InvariantCulture), prompt);
    }

    /// <summary>The prompt before stage <paramref name="stage"/>, or null.</summary>
    public AdaptiveFeedbackPrompt? For(int stage) => byStage.GetValueOrDefault(stage);

    /// <summary>Every prompt, in stage order.</summary>
    public IEnumerable<AdaptiveFeedbackPrompt> All => byStage.OrderBy(p => p.Key).Select(p => p.Value);
}
