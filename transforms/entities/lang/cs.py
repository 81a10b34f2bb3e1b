"""Czech: case endings of place names and adjectives."""

NAME_ENDINGS = (
    ("sko", ("ska", "sku", "skem")),
    ("cko", ("cka", "cku", "ckem")),
    ("ie", ("ii", "ií")),
    ("a", ("y", "e", "ě", "u", "ou", "i")),
    ("o", ("a", "u", "em")),
    ("y", ()),
    ("i", ()),
    ("e", ()),
    ("", ("u", "a", "em", "e", "ě", "ovi")),
)
ADJECTIVE_ENDINGS = (("ý", ("á", "é", "ého", "ému", "ém", "ým", "ých", "ou", "í", "ými")),)
NAMES = {
    "USA": ("Spojené státy", "Spojených států", "Spojeným státům", "Spojených státech", "USA", "Amerika",
            "Ameriky", "Americe"),
    "DEU": ("Německo", "Německa", "Německu", "Německem"),
    "org:EU": ("Evropská unie", "Evropské unie", "Evropskou unii", "EU"),
}  # fmt: skip
ADJECTIVES = {
    "CZE": ("český",), "RUS": ("ruský",), "USA": ("americký",), "DEU": ("německý",), "POL": ("polský",),
    "UKR": ("ukrajinský",), "SVK": ("slovenský",), "CHN": ("čínský",), "FRA": ("francouzský",),
    "GBR": ("britský",), "AUT": ("rakouský",), "HUN": ("maďarský",),
}  # fmt: skip
CAPITALS = {"CZE": ("Praha", "Prahy", "Praze", "Prahu"), "RUS": ("Moskva", "Moskvy", "Moskvě")}
