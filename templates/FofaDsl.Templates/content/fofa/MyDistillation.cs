using FofaDsl;
using FofaDsl.Backbones;

/// <summary>
/// The experiment: the teacher is trained first (or loaded with --teacher-weights), then the student is trained from
/// scratch, with logit KD and with FOFA, and the results table compares them. The FofaDsl generator checks every
/// value at compile time (errors FOFA001 and up) and writes RunAsync, the command-line program.
/// </summary>
[Experiment(Seed = 7)]
[Teacher(TEACHER_MODEL)]
[Student(STUDENT_MODEL)]
[Scratch, Kd, Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]
[Schedule(Epochs = 2, TeacherEpochs = 30, BatchSize = 128, LearningRate = 3e-3)]
[Data(DATA_DECLARATION)]
public partial class MyExperimentClass;
