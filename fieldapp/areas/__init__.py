"""Areas (neighbourhoods, squares, estates) as polygons."""
