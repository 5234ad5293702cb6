using FofaDsl.Generators.Parsing;

namespace FofaDsl.Generators.Tests;

/// <summary>The rounding FOFA004 suggests and its code fix writes: the nearest 4*g*g, ties going up.</summary>
public sealed class QueryCountsTests
{
    [Theory]
    [InlineData(int.MinValue, 4)]
    [InlineData(0, 4)]
    [InlineData(4, 4)]
    [InlineData(6, 4)] // 2 below 16 - 6 = 10
    [InlineData(10, 16)] // 6 from 4 and from 16: the larger
    [InlineData(25, 16)] // 9 from 16, 11 from 36
    [InlineData(60, 64)]
    [InlineData(144, 144)]
    [InlineData(int.MaxValue, 2147395600)] // 4 * 23170^2; 4 * 23171^2 = 2147580964 does not fit an int
    public void Nearest_valid_count(int queries, int expected) => Assert.Equal(expected, QueryCounts.Nearest(queries));

    [Theory]
    [InlineData(4, true)]
    [InlineData(36, true)]
    [InlineData(2147395600, true)]
    [InlineData(0, false)]
    [InlineData(8, false)]
    [InlineData(-4, false)]
    [InlineData(int.MaxValue, false)]
    public void Valid_counts_are_four_times_a_square(int queries, bool valid) => Assert.Equal(valid, QueryCounts.IsValid(queries));
}
