namespace FofaDsl;

/// <summary>Which model of an experiment a declaration applies to.</summary>
public enum ModelRole
{
    /// <summary>The frozen teacher.</summary>
    Teacher,

    /// <summary>The student that is trained.</summary>
    Student,
}
