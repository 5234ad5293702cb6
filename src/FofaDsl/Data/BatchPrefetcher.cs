using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace FofaDsl.Data;

/// <summary>
/// Prepares batches on a background thread, a few ahead of the training step, so that decoding,
/// shuffling, flipping and normalising overlap with the model's work. The order is unchanged.
/// </summary>
public static class BatchPrefetcher
{
    /// <summary>
    /// Enumerates <paramref name="batches"/> on a background thread, keeping at most <paramref name="depth"/>
    /// ready. Leaving the loop early stops the producer and frees the batches it had prepared; an
    /// exception in the producer surfaces in the consumer.
    /// </summary>
    public static IEnumerable<(Tensor Images, Tensor Labels)> Prefetch(IEnumerable<(Tensor Images, Tensor Labels)> batches, int depth = 2, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var queue = new BlockingCollection<(Tensor Images, Tensor Labels)>(depth);
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var batch in batches)
                {
                    try
                    {
                        queue.Add(batch, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        batch.Images.Dispose();
                        batch.Labels.Dispose();
                        return;
                    }
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        });

        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(cancellation)) yield return batch;
            producer.GetAwaiter().GetResult(); // rethrows a producer failure
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException)
            {
                // Already rethrown above when the batches ran out; otherwise the consumer left early
                // (or failed) and its own exit is what matters.
            }
            while (queue.TryTake(out var left))
            {
                left.Images.Dispose();
                left.Labels.Dispose();
            }
        }
    }
}
