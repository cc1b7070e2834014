"""The project's URLs plus two profile routes, one that forgets the owner check: the walk must catch it."""

from django.http import Http404, JsonResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import Profile
from glute_pwa.urls import urlpatterns as project_urlpatterns


class _ProfileDetail(APIView):
    check_owner = True

    def _profile(self, request: Request, pk: int) -> Profile:
        profiles = Profile.objects.all()
        if self.check_owner:
            profiles = profiles.filter(user=request.user)
        try:
            return profiles.get(pk=pk)
        except Profile.DoesNotExist:
            raise Http404 from None

    def get(self, request: Request, pk: int) -> JsonResponse:
        profile = self._profile(request, pk)
        return JsonResponse({"username": profile.user.username, "time_zone": profile.time_zone})

    def patch(self, request: Request, pk: int) -> JsonResponse:
        profile = self._profile(request, pk)
        profile.time_zone = "UTC"
        profile.save()
        return JsonResponse({"time_zone": profile.time_zone})


class LeakyProfileDetail(_ProfileDetail):
    check_owner = False


urlpatterns = [
    *project_urlpatterns,
    path("api/test-profiles/<int:pk>/", _ProfileDetail.as_view(), name="test-profile-detail"),
    path("api/leaky-profiles/<int:pk>/", LeakyProfileDetail.as_view(), name="leaky-profile-detail"),
]
