"""The bundled sample exports of a fictional council, and the generator that makes them."""
