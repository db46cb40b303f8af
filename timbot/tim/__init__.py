"""The Tencent Cloud Chat client and its emulator; this package knows nothing of Slack."""
