"""Serializers of the REST layer, by domain."""
