namespace Panoptic.Scanner.Catalog;

/// <summary>A catalog or configuration file that cannot be used; the message names the file, key and line.</summary>
public sealed class CatalogException(string message) : Exception(message);
