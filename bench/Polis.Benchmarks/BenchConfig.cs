using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace Polis.Benchmarks;

/// <summary>Shared machines are noisy: report the median next to the mean, and quote the median.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig() => AddColumn(StatisticColumn.Median);
}
