"""Viewsets and views of the REST layer, by domain."""
