namespace FofaDsl;

/// <summary>
/// A comparison method declared on an experiment class: a loss term added to the student's
/// cross-entropy, with its own hyper-parameters (defaults: the heterogeneous benchmark's settings
/// the paper uses). Each method is a run of its own, named after it (<c>kd</c>, <c>fitnet</c>...);
/// methods that share a <see cref="Run"/> name are combined into one run whose loss adds their terms,
/// e.g. <c>[Kd(Run = "kd+fitnet")] [FitNet(Run = "kd+fitnet")]</c>.
/// </summary>
public abstract class DistillationMethodAttribute : Attribute
{
    /// <summary>
    /// Name of the run this term belongs to (lower-case letters, digits, '+', '-', '_'): the value of
    /// <c>--methods</c> and the name of its output files. Default: the method's own name.
    /// </summary>
    public string? Run { get; set; }
}
