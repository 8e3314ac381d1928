"""Chat platforms, one package each (adapter, converter, texts, limits), implementing the two
channel ports of `bot.core.ports`: inbound they call the core's `handle(IncomingMessage) -> Turn`
and render the turn; outbound they `send(Recipient, OutgoingMessage) -> DeliveryResult`."""
