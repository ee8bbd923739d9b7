namespace Panoptic.Server; internal static class Placeholder {}
