using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Secrets;

/// <summary>A credential format: the literal that starts it, the regex that confirms it, and how much of it is safe to show.</summary>
public sealed record SecretRule(string Id, string Name, string Trigger, Regex Pattern, int VisiblePrefix);
