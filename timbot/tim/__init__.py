"""The Tencent Cloud Chat client; this package knows nothing of Slack (nor of the emulator)."""
