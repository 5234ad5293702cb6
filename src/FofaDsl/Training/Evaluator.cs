using FofaDsl.Backbones;
using FofaDsl.Data;
using static TorchSharp.torch;

namespace FofaDsl.Training;

/// <summary>Top-1 accuracy of a classifier on a held-out dataset.</summary>
public static class Evaluator
{
    /// <summary>Fraction of <paramref name="dataset"/> that <paramref name="model"/> classifies correctly (eval mode, no gradients, every image counted).</summary>
    public static double Top1(StagedBackbone model, ImageDataset dataset, int batchSize, int imageSize, Device? device = null)
    {
        var wasTraining = model.training;
        model.eval();
        long correct = 0, seen = 0;
        using (no_grad())
        {
            var loader = new BatchLoader(dataset, BatchLoaderOptions.Evaluation(batchSize));
            foreach (var (images, labels) in loader.Epoch(0))
            {
                using var batchImages = images;
                using var batchLabels = labels;
                using var scope = NewDisposeScope();
                var target = device ?? CPU;
                var logits = model.call(ImageBatches.Resize(images.to(target), imageSize));
                correct += logits.argmax(1).eq(labels.to(target)).sum().item<long>();
                seen += labels.shape[0];
            }
        }
        model.train(wasTraining);
        return seen == 0 ? 0 : (double)correct / seen;
    }

    /// <summary>
    /// Top-1 (counted exactly as <see cref="Top1"/> does) and, when the model has more than five classes,
    /// top-5 accuracy of <paramref name="model"/> on <paramref name="dataset"/>.
    /// </summary>
    public static HeldOutAccuracy TopOneAndFive(StagedBackbone model, ImageDataset dataset, int batchSize, int imageSize, Device? device = null)
    {
        var wasTraining = model.training;
        model.eval();
        long correct = 0, correctTop5 = 0, seen = 0, classes = 0;
        using (no_grad())
        {
            var loader = new BatchLoader(dataset, BatchLoaderOptions.Evaluation(batchSize));
            foreach (var (images, labels) in loader.Epoch(0))
            {
                using var batchImages = images;
                using var batchLabels = labels;
                using var scope = NewDisposeScope();
                var target = device ?? CPU;
                var logits = model.call(ImageBatches.Resize(images.to(target), imageSize));
                var truth = labels.to(target);
                classes = logits.shape[1];
                correct += logits.argmax(1).eq(truth).sum().item<long>();
                if (classes > 5)
                {
                    var (_, top5) = logits.topk(5, 1);
                    correctTop5 += top5.eq(truth.unsqueeze(1)).any(1).sum().item<long>();
                }
                seen += labels.shape[0];
            }
        }
        model.train(wasTraining);
        double Fraction(long n) => seen == 0 ? 0 : (double)n / seen;
        return new HeldOutAccuracy(Fraction(correct), classes > 5 ? Fraction(correctTop5) : null, (int)seen);
    }
}
