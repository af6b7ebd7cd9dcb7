namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Runs a batch kernel over many points on several cores: the points are cut into one contiguous range per
/// worker, each a whole number of cache lines (no two workers write the same line), and each point is computed
/// by the same kernel as on one core, so the results are the same bits. Below
/// <see cref="MinPointsPerWorker"/> points a worker, one core does it all.
/// </summary>
internal static class BatchRunner
{
    /// <summary>The fewest points worth a worker of their own (below, starting it costs more than it saves).</summary>
    public const int MinPointsPerWorker = 65_536;

    // the span overload copies through buffers of this many points
    private const int Chunk = 4096;

    // doubles per 64-byte cache line
    private const int Line = 8;

    /// <summary>results[i] = f(columns[0][i], ...) for i in [0, length).</summary>
    public static void Run(BatchCompiler.Kernel kernel, double[][] columns, double[] results, int length, int maxDegreeOfParallelism) =>
        Split(length, maxDegreeOfParallelism, (start, count) => kernel(columns, results, start, count));

    /// <summary>y[i] = f(x[i]) through pooled buffers (the kernel reads arrays), each worker with its own.</summary>
    public static unsafe void Run(BatchCompiler.Kernel kernel, ReadOnlySpan<double> x, Span<double> y, int maxDegreeOfParallelism)
    {
        fixed (double* input = x, output = y)
        {
            var (from, to) = ((nint)input, (nint)output);
            Split(x.Length, maxDegreeOfParallelism, (start, count) => Chunked(kernel, from, to, start, count));
        }
    }

    private static void Split(int length, int maxDegreeOfParallelism, Action<int, int> range)
    {
        var cores = maxDegreeOfParallelism is > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        var workers = Math.Max(1, Math.Min(cores, length / MinPointsPerWorker));
        if (workers == 1)
        {
            range(0, length);
            return;
        }

        var size = ((((length + workers - 1) / workers) + Line - 1) / Line) * Line;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var start = w * size;
            if (start < length)
            {
                range(start, Math.Min(size, length - start));
            }
        });
    }

    private static unsafe void Chunked(BatchCompiler.Kernel kernel, nint x, nint y, int start, int count)
    {
        var input = System.Buffers.ArrayPool<double>.Shared.Rent(Math.Min(Chunk, Math.Max(1, count)));
        var output = System.Buffers.ArrayPool<double>.Shared.Rent(input.Length);
        double[][] columns = [input];
        try
        {
            for (var at = start; at < start + count; at += input.Length)
            {
                var n = Math.Min(input.Length, start + count - at);
                new ReadOnlySpan<double>((double*)x + at, n).CopyTo(input);
                kernel(columns, output, 0, n);
                output.AsSpan(0, n).CopyTo(new Span<double>((double*)y + at, n));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(input);
            System.Buffers.ArrayPool<double>.Shared.Return(output);
        }
    }
}
