namespace FofaDsl.Methods.FitNet;

/// <summary>The learned layer at the heart of a <see cref="FitNetRegressor"/>.</summary>
public enum FitNetProjection
{
    /// <summary>A 1x1 convolution on the spatial view (spatial teachers; token teachers larger than the student map).</summary>
    Conv1x1,

    /// <summary>A convolution with kernel = stride onto the teacher's token grid (spatial student, token teacher).</summary>
    PatchEmbedding,

    /// <summary>A Linear over the token width (token student, token teacher).</summary>
    Linear,
}
