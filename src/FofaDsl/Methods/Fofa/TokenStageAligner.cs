using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// <c>Align_i</c> for a token teacher stage (spec section 3): BatchNorm1d over the <c>g*g</c> tokens and
/// a Linear to the teacher width <c>D_t</c>, then (transposed) BatchNorm1d(D_t) and a Linear from
/// <c>g*g</c> to the teacher's <c>L_t</c> patch tokens. The class token is not produced: the output is
/// compared with the teacher stage after its class token is dropped.
/// </summary>
public sealed class TokenStageAligner : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm1d token_norm;
    private readonly Linear to_teacher_width;
    private readonly BatchNorm1d channel_norm;
    private readonly Linear to_teacher_tokens;

    /// <summary>Creates the aligner for blocks of <paramref name="queriesPerStage"/> tokens of width <paramref name="dim"/>.</summary>
    public TokenStageAligner(int queriesPerStage, int dim, StageGeometry teacherStage) : base(nameof(TokenStageAligner))
    {
        if (teacherStage.Layout != StageLayout.Tokens)
            throw new ArgumentException($"TokenStageAligner needs a token teacher stage, got {teacherStage}.", nameof(teacherStage));
        token_norm = nn.BatchNorm1d(queriesPerStage);
        to_teacher_width = nn.Linear(dim, teacherStage.Channels);
        channel_norm = nn.BatchNorm1d(teacherStage.Channels);
        to_teacher_tokens = nn.Linear(queriesPerStage, teacherStage.Positions);
        FofaInit.Linear(to_teacher_width);
        FofaInit.Linear(to_teacher_tokens);
        RegisterComponents();
    }

    /// <summary><c>[B, g*g, d]</c> to <c>[B, L_t, D_t]</c> (patch tokens only).</summary>
    public override Tensor forward(Tensor block)
    {
        using var scope = NewDisposeScope();
        var widened = to_teacher_width.call(token_norm.call(block));                    // [B, g*g, D_t]
        var resampled = to_teacher_tokens.call(channel_norm.call(widened.transpose(1, 2))); // [B, D_t, L_t]
        return resampled.transpose(1, 2).MoveToOuterDisposeScope();
    }
}
