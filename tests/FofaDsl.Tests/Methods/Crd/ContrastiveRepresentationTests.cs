using FofaDsl.Methods.Crd;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Crd;

[Collection(TorchCollection.Name)]
public sealed class ContrastiveRepresentationTests
{
    private static double[] Row(Tensor matrix, long row) => matrix[row].to_type(ScalarType.Float64).data<double>().ToArray();

    [Fact]
    public void NceLossMatchesHandComputedReferenceFormula()
    {
        double[] scores = [0.5, 0.01, 0.3, 0.02, 0.2, 0.05];
        using var input = tensor(scores, [2, 3]);
        using var loss = ContrastiveRepresentation.NceLoss(input, datasetSize: 10);

        // K = 2 negatives, noise 1/N: K/N = 0.2.
        const double noise = 0.2;
        const double eps = 1e-7;
        double sum = 0;
        for (var b = 0; b < 2; b++)
        {
            var positive = scores[3 * b];
            sum += Math.Log(positive / (positive + noise + eps));
            for (var k = 1; k < 3; k++)
                sum += Math.Log(noise / (scores[3 * b + k] + noise + eps));
        }
        Assert.Equal(-sum / 2, loss.item<double>(), 10);
    }

    [Fact]
    public void MemoryRowsOfTheBatchMoveByMomentumAndAreRenormalised()
    {
        manual_seed(11);
        using var crd = new ContrastiveRepresentation(3, 5, datasetSize: 6, embedDim: 4, negatives: 3);
        using var studentBefore = crd.StudentMemory.clone();
        using var teacherBefore = crd.TeacherMemory.clone();
        using var s = randn(2, 3);
        using var t = randn(2, 5);
        using var indices = tensor(new long[] { 1, 4 });
        using var studentEmbedding = crd.EmbedStudent(s).detach();
        using var teacherEmbedding = crd.EmbedTeacher(t).detach();

        using var loss = crd.Loss(s, t, indices);

        foreach (var (memoryBefore, memoryAfter, embedding) in new[]
                 {
                     (studentBefore, crd.StudentMemory, studentEmbedding),
                     (teacherBefore, crd.TeacherMemory, teacherEmbedding),
                 })
        {
            for (var row = 0; row < 6; row++)
            {
                var batchPosition = row == 1 ? 0 : row == 4 ? 1 : -1;
                var after = Row(memoryAfter, row);
                var before = Row(memoryBefore, row);
                if (batchPosition < 0)
                {
                    Assert.Equal(before, after);
                    continue;
                }
                var e = Row(embedding, batchPosition);
                var mixed = before.Select((m, d) => 0.5 * m + 0.5 * e[d]).ToArray();
                var norm = Math.Sqrt(mixed.Sum(x => x * x));
                for (var d = 0; d < 4; d++)
                    Assert.Equal(mixed[d] / norm, after[d], 5);
                Assert.Equal(1.0, Math.Sqrt(after.Sum(x => x * x)), 5);
            }
        }
    }

    [Fact]
    public void ShapesDefaultsAndNegativeCap()
    {
        manual_seed(1);
        using var crd = new ContrastiveRepresentation(8, 16, datasetSize: 50);
        Assert.Equal(49, crd.Negatives);
        Assert.Equal([50L, 128L], crd.StudentMemory.shape);
        Assert.Equal([50L, 128L], crd.TeacherMemory.shape);
        using var features = randn(3, 8, 1, 1);
        using var embedding = crd.EmbedStudent(features);
        Assert.Equal([3L, 128L], embedding.shape);
        using var norms = embedding.norm(1);
        Assert.All(norms.data<float>().ToArray(), n => Assert.Equal(1.0f, n, 5));
        Assert.Null(crd.NormalisationConstants);
        // Reference initialisation: uniform in +-sqrt(3 / d), i.e. unit expected squared row norm.
        var bound = Math.Sqrt(3.0 / 128);
        Assert.True(crd.StudentMemory.abs().max().item<float>() <= bound + 1e-6);
        Assert.Equal(4, crd.parameters().Count());
        Assert.Equal(3, crd.buffers().Count());
    }

    [Fact]
    public void InitialMemoryRowsHaveUnitExpectedSquaredNorm()
    {
        manual_seed(2);
        using var crd = new ContrastiveRepresentation(4, 4, datasetSize: 4000);
        using var meanSquaredNorm = crd.TeacherMemory.pow(2).sum(1).mean();
        Assert.Equal(1.0, meanSquaredNorm.item<float>(), 1);
    }

    [Fact]
    public void ContrastIndicesPutThePositiveFirstAndNeverReuseItAsNegative()
    {
        manual_seed(5);
        using var crd = new ContrastiveRepresentation(3, 3, datasetSize: 4, embedDim: 4, negatives: 100);
        using var indices = tensor(new long[] { 0, 1, 2, 3, 3 });
        using var contrast = crd.ContrastIndices(indices);
        Assert.Equal([5L, 4L], contrast.shape);
        for (var b = 0; b < 5; b++)
        {
            var row = contrast[b].data<long>().ToArray();
            var positive = indices[b].item<long>();
            Assert.Equal(positive, row[0]);
            Assert.All(row.Skip(1), n => Assert.InRange(n, 0, 3));
            Assert.DoesNotContain(positive, row.Skip(1));
        }
    }

    [Fact]
    public void SeededGeneratorsGiveTheSameNegatives()
    {
        using var indices = tensor(new long[] { 2, 7, 9 });
        Tensor Draw(ulong seed)
        {
            using var crd = new ContrastiveRepresentation(3, 3, datasetSize: 1000, embedDim: 4, negatives: 64, generator: new Generator(seed));
            return crd.ContrastIndices(indices);
        }
        using var a = Draw(42);
        using var b = Draw(42);
        using var c = Draw(43);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
    }

    [Fact]
    public void LossIsFinitePositiveAndZIsFixedAfterTheFirstBatch()
    {
        manual_seed(7);
        using var crd = new ContrastiveRepresentation(6, 10, datasetSize: 40, embedDim: 8, negatives: 16);
        using var indices = tensor(new long[] { 0, 5, 17 });
        using var first = crd.Loss(randn(3, 6), randn(3, 10), indices);
        var z = crd.NormalisationConstants;
        Assert.NotNull(z);
        Assert.True(z!.Value.StudentAnchor > 0 && z.Value.TeacherAnchor > 0);
        var value = first.item<float>();
        Assert.True(float.IsFinite(value) && value > 0);

        using var second = crd.Loss(randn(3, 6) * 3, randn(3, 10), tensor(new long[] { 1, 2, 3 }));
        Assert.Equal(z, crd.NormalisationConstants);
        Assert.True(float.IsFinite(second.item<float>()));
    }

    [Fact]
    public void GradientsReachBothEmbeddingHeadsButNotTheMemoryBanks()
    {
        manual_seed(9);
        using var crd = new ContrastiveRepresentation(6, 10, datasetSize: 40, embedDim: 8, negatives: 16);
        using var s = randn(4, 6);
        using var t = randn(4, 10);
        using var loss = crd.Loss(s, t, tensor(new long[] { 3, 8, 20, 39 }));
        loss.backward();
        Assert.True(crd.StudentEmbedding.weight!.grad!.abs().sum().item<float>() > 0);
        Assert.True(crd.TeacherEmbedding.weight!.grad!.abs().sum().item<float>() > 0);
        Assert.False(crd.StudentMemory.requires_grad);
        Assert.False(crd.TeacherMemory.requires_grad);
        Assert.Null(crd.StudentMemory.grad);
        Assert.Null(crd.TeacherMemory.grad);
    }

    [Fact]
    public void LossAppliesTheWeight()
    {
        Tensor Run(double weight)
        {
            manual_seed(4);
            using var crd = new ContrastiveRepresentation(5, 5, datasetSize: 20, embedDim: 4, negatives: 8, weight: weight);
            manual_seed(5);
            return crd.Loss(randn(2, 5), randn(2, 5), tensor(new long[] { 0, 1 }));
        }
        using var unit = Run(1.0);
        using var weighted = Run(0.8);
        Assert.Equal(0.8 * unit.item<float>(), weighted.item<float>(), 4);
    }

    [Fact]
    public void ModuleToConvertsTheMemoryBanksAndKeepsThemLive()
    {
        manual_seed(6);
        using var crd = new ContrastiveRepresentation(5, 5, datasetSize: 20, embedDim: 4, negatives: 8);
        crd.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, crd.StudentMemory.dtype);
        Assert.Equal(ScalarType.Float64, crd.TeacherMemory.dtype);
        using var before = crd.StudentMemory.clone();
        using var loss = crd.Loss(randn(2, 5, dtype: ScalarType.Float64), randn(2, 5, dtype: ScalarType.Float64), tensor(new long[] { 0, 1 }));
        Assert.True(double.IsFinite(loss.item<double>()));
        Assert.False(before.eq(crd.StudentMemory).all().item<bool>());
        Assert.Equal(3, crd.buffers().Count());
        Assert.All(crd.buffers(), b => Assert.Equal(ScalarType.Float64, b.dtype));
    }
}
