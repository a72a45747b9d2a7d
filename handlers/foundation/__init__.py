"""The foundation side of the bot: joining, registering, applying, tracking, correcting."""
