namespace FofaDsl.Stages;

/// <summary>How a stage lays out its output tensor.</summary>
public enum StageLayout
{
    /// <summary>A feature map <c>[B, C, H, W]</c> (CNNs).</summary>
    Spatial,

    /// <summary>A token sequence <c>[B, L, D]</c> (ViTs, MLPs); an optional class token comes first.</summary>
    Tokens,
}
