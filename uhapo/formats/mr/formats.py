# Day before month, Devanagari month names, international (0-9) digits as
# Indian newspapers and forms use them, lakh and crore grouping. Clock times
# in sentences say the part of the day (सुबह 10:30) through the `clock`
# filter; the 24-hour TIME_FORMAT is the unambiguous fallback.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "j F Y, G:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y G:i"
FIRST_DAY_OF_WEEK = 0  # रविवार, as on Indian calendars
# ISO first: a date field's <input type="date"> needs its value as YYYY-MM-DD.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = (3, 2, 0)  # 1,00,000 (एक लाख)
